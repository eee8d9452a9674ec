import type { Db } from '../adapters/dynamodb.ts';
import { activationStore } from './activations.ts';
import { assignmentStore } from './assignments.ts';
import { auditStore } from './audit.ts';
import { customerStore } from './customers.ts';
import { jobRunStore } from './job-runs.ts';
import { licenseStore } from './licenses.ts';
import { peopleStore } from './people.ts';
import { poolStore } from './pools.ts';
import { productStore } from './products.ts';
import { projectStore } from './projects.ts';
import { seatUpkeepStore } from './seat-upkeep.ts';
import { seatStore } from './seats.ts';
import { statsStore } from './stats.ts';
import { ticketStore } from './tickets.ts';
import { tokenStore } from './tokens.ts';
import { trialStore } from './trials.ts';
import { activationUpkeepStore, expiryStore, noticeStore } from './upkeep.ts';
export const createStores = (db: Db, tableName: string) => ({
  products: productStore(db, tableName),
  customers: customerStore(db, tableName),
  projects: projectStore(db, tableName),
  tokens: tokenStore(db, tableName),
  people: peopleStore(db, tableName),
  audit: auditStore(db, tableName),
  licenses: licenseStore(db, tableName),
  activations: activationStore(db, tableName),
  pools: poolStore(db, tableName),
  seats: seatStore(db, tableName),
  assignments: assignmentStore(db, tableName),
  seatUpkeep: seatUpkeepStore(db, tableName),
  expiry: expiryStore(db, tableName),
  notices: noticeStore(db, tableName),
  activationUpkeep: activationUpkeepStore(db, tableName),
  jobRuns: jobRunStore(db, tableName),
  stats: statsStore(db, tableName),
  trials: trialStore(db, tableName),
  tickets: ticketStore(db, tableName),
});

export type Stores = ReturnType<typeof createStores>;
