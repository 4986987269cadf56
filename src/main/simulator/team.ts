/**
 * The simulator plays a team: several members, each with their own API key, share one project's
 * jobs, assets, tags and collections, as on Scenario (NOTES.md, "Shared state on Scenario's
 * side"). A request is authored by the member whose key it carries.
 */
import { timingSafeEqual } from 'node:crypto';

export interface TeamMember {
  authorId: string;
  apiKey: string;
  apiSecret: string;
}

/** The member the simulator's own test key belongs to. */
export const PRIMARY_AUTHOR_ID = 'user_simulator';

/** What `seedTeamHistory` makes: finished generations by other members, oldest `spanMs` ago. */
export interface TeamHistorySpec {
  jobs: number;
  /** Authors drawn in turn; default two other members. */
  authorIds?: string[];
  /** Outputs per job; default 4. */
  samplesPerJob?: number;
  /** Distinct control maps the jobs share; default 4. */
  controlImages?: number;
  /** The newest job is made now, the oldest this long ago; default 30 days. */
  spanMs?: number;
  /** Every `webAppEvery`-th job is sent as Scenario's web app sends it (defaults left out); default 3. */
  webAppEvery?: number;
  /** Tags put on every `tagEvery`-th job's first output; default none. */
  tags?: string[];
  tagEvery?: number;
  /** Whether Scenario offers the outputs at thumbnail size too; default true. */
  thumbnails?: boolean;
}

export const DEFAULT_OTHER_AUTHORS = ['user_team-ana', 'user_team-ben'];

function header(member: TeamMember): Buffer {
  return Buffer.from(`Basic ${Buffer.from(`${member.apiKey}:${member.apiSecret}`).toString('base64')}`);
}

export class Team {
  private readonly credentials: { authorId: string; header: Buffer }[];

  constructor(readonly members: readonly TeamMember[]) {
    this.credentials = members.map((member) => ({ authorId: member.authorId, header: header(member) }));
  }

  /** The member an Authorization header names, or undefined. */
  authorOf(authorization: string | undefined): string | undefined {
    const given = Buffer.from(authorization ?? '');
    return this.credentials.find((entry) => entry.header.length === given.length && timingSafeEqual(entry.header, given))?.authorId;
  }
}
