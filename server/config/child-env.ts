/**
 * The environment a child process (the embedded PostgreSQL, its initdb, the web build) gets:
 * the parent's, without any casework setting and without database URLs. A child that runs as
 * another OS user, or a build tool that loads third-party plugins, must not find the master
 * key or a database password in its /proc/<pid>/environ.
 */
export function childEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(env).filter(([name]) => !SECRET_SETTING.test(name)),
  ) as NodeJS.ProcessEnv;
}

const SECRET_SETTING = /^(CASEWORK_|DATABASE_URL$|PG[A-Z]*$)/;
