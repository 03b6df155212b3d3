import { Controller, Get, Header, StreamableFile } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { createReadStream, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Public } from '../auth/public.decorator';

/**
 * The IOC screen (`/`) and the auditor workspace (`/auditor`): static pages that call the API with
 * the key the user gives them (URL fragment `#key=…`, kept in localStorage), and chart.js for charts.
 */
@ApiExcludeController()
@Controller()
export class DashboardController {
  private readonly dashboard = readFileSync(join(__dirname, 'dashboard.html'), 'utf8');
  private readonly auditor = readFileSync(join(__dirname, 'auditor.html'), 'utf8');
  // chart.js' self-contained UMD build, found next to its CommonJS entry (dist/chart.cjs) since
  // the package's `exports` map does not expose the UMD file; served from node_modules, so it is
  // always the installed version.
  private readonly chartJs = join(dirname(require.resolve('chart.js')), 'chart.umd.js');

  @Get()
  @Public()
  @Header('Content-Type', 'text/html; charset=utf-8')
  page(): string {
    return this.dashboard;
  }

  @Get('auditor')
  @Public()
  @Header('Content-Type', 'text/html; charset=utf-8')
  auditorPage(): string {
    return this.auditor;
  }

  @Get('assets/chart.umd.js')
  @Public()
  @Header('Cache-Control', 'public, max-age=86400')
  chart(): StreamableFile {
    return new StreamableFile(createReadStream(this.chartJs), { type: 'text/javascript; charset=utf-8' });
  }
}
