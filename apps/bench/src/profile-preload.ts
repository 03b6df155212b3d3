/**
 * Preloaded (`node -r`) into an app run with `--cpu-prof`: Node writes the profile only on a
 * normal exit, and Nest's shutdown hooks re-raise SIGTERM, which kills the process before that.
 * SIGUSR2 (unused by the apps) exits normally, so the profile is written.
 */
process.on('SIGUSR2', () => process.exit(0));
