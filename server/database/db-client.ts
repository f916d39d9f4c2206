import type { Prisma } from '../generated/prisma/client.ts';
import type { Database } from './prisma-client.ts';

/** What a repository method runs on: the pool, or a transaction it was handed. */
export type DbClient = Database | Prisma.TransactionClient;
