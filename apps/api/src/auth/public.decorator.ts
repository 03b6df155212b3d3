import { SetMetadata } from '@nestjs/common';
import { PUBLIC_KEY } from './auth.metadata';

/** No API key needed (health checks, the dashboard's static page). */
export const Public = () => SetMetadata(PUBLIC_KEY, true);
