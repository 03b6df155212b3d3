import { SetMetadata } from '@nestjs/common';
import { PUBLIC_KEY } from './api-key.guard';

/** No API key needed (health checks, the dashboard's static page). */
export const Public = () => SetMetadata(PUBLIC_KEY, true);
