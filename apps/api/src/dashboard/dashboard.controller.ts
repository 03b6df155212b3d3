import { Controller, Get, Header, Res, StreamableFile } from '@nestjs/common';
import type { ServerResponse } from 'node:http';
import { ApiExcludeController } from '@nestjs/swagger';
import { createReadStream, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Public } from '../auth/public.decorator';
import { pageCsp } from '../security-headers';
import { rateFormatScript } from './rate-format.script';

/**
 * The IOC screen (`/`) and the auditor workspace (`/auditor`): static pages that call the API with
 * the key the user gives them (URL fragment `#key=…`, moved to sessionStorage and removed from the
 * address bar, page-session.js), chart.js for charts and the domain's rate formatting
 * (rate-format.script.ts).
 * Each page carries a CSP that allows its own inline script and style by hash.
 */
@ApiExcludeController()
@Controller()
export class DashboardController {
  private readonly dashboard = readFileSync(join(__dirname, 'dashboard.html'), 'utf8');
  private readonly auditor = readFileSync(join(__dirname, 'auditor.html'), 'utf8');
  private readonly dashboardCsp = pageCsp(this.dashboard);
  private readonly auditorCsp = pageCsp(this.auditor);
  // chart.js' self-contained UMD build, found next to its CommonJS entry (dist/chart.cjs) since
  // the package's `exports` map does not expose the UMD file; served from node_modules, so it is
  // always the installed version.
  private readonly chartJs = join(dirname(require.resolve('chart.js')), 'chart.umd.js');
  private readonly rateFormat = rateFormatScript();
  private readonly pageSession = readFileSync(join(__dirname, 'page-session.js'), 'utf8');

  @Get()
  @Public()
  @Header('Content-Type', 'text/html; charset=utf-8')
  page(@Res({ passthrough: true }) res: ServerResponse): string {
    res.setHeader('Content-Security-Policy', this.dashboardCsp);
    return this.dashboard;
  }

  @Get('auditor')
  @Public()
  @Header('Content-Type', 'text/html; charset=utf-8')
  auditorPage(@Res({ passthrough: true }) res: ServerResponse): string {
    res.setHeader('Content-Security-Policy', this.auditorCsp);
    return this.auditor;
  }

  @Get('assets/chart.umd.js')
  @Public()
  @Header('Cache-Control', 'public, max-age=86400')
  chart(): StreamableFile {
    return new StreamableFile(createReadStream(this.chartJs), { type: 'text/javascript; charset=utf-8' });
  }

  @Get('assets/rate-format.js')
  @Public()
  @Header('Content-Type', 'text/javascript; charset=utf-8')
  @Header('Cache-Control', 'no-cache')
  rateFormatJs(): string {
    return this.rateFormat;
  }

  @Get('assets/page-session.js')
  @Public()
  @Header('Content-Type', 'text/javascript; charset=utf-8')
  @Header('Cache-Control', 'no-cache')
  pageSessionJs(): string {
    return this.pageSession;
  }
}
