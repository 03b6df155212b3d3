import { Controller, Get } from '@nestjs/common';
import { UnitDirectory } from '@tthc/infrastructure';

@Controller('units')
export class UnitsController {
  constructor(private readonly units: UnitDirectory) {}

  /** The unit catalogue: official NSO code, name with diacritics, and type. Any role. */
  @Get()
  list() {
    return this.units.all().map((u) => ({ code: u.code, name: u.name, type: u.divisionType, provinceCode: u.provinceCode }));
  }
}
