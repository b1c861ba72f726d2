/**
 * Modes of everything the store creates under `store.path`: the data (samples, series names,
 * resource attributes) is the operator's alone, so directories are 0700 and files 0600. Both
 * are passed at creation, where the umask can only take bits away, so no umask makes them
 * readable or writable by others.
 */
export const STORE_DIR_MODE = 0o700;
export const STORE_FILE_MODE = 0o600;
