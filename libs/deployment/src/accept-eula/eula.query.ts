import { Inject, Injectable } from '@nestjs/common';
import { CodedError, type EulaFileReply, type EulaReply, MetadataSubjects } from '#contracts';
import type { EventStore } from '#event-store';
import type { ServiceBus } from '#messaging';
import { EVENT_STORE, SERVICE_BUS } from '#platform';
import { loadState } from '../application/load-state.js';
import { DeploymentErrors as E } from '../domain/deployment.errors.js';
import { latestRevision } from '../domain/deployment.state.js';
import { eulasOf } from '../domain/eulas.js';

export interface EulaView {
  readonly eulaId: string;
  /** The update revision that carries it: the one asked about, or a revision it bundles. */
  readonly updateId: string;
  readonly revisionNumber: number;
  readonly accepted: { readonly acceptedAt: string; readonly acceptedBy: string | null; readonly updateId: string; readonly revisionNumber: number } | null;
  /** Locales (and regions) the license comes in. */
  readonly available: EulaReply['available'];
  /** The chosen locale's license files, with their text when the server holds the file. */
  readonly files: readonly EulaFileReply[];
}

export interface UpdateEulasView {
  readonly updateId: string;
  readonly revisionNumber: number;
  /** Whether every EULA below is accepted: an install approval needs it. */
  readonly accepted: boolean;
  readonly eulas: readonly EulaView[];
}

/**
 * What an administrator reads before accepting: the EULAs an install of the revision involves (its
 * own and its bundled updates'), whether each is accepted (by whom, when), and each one's text in
 * the requested locale, from the stored document and content via the metadata store.
 */
@Injectable()
export class EulaQueryService {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(SERVICE_BUS) private readonly bus: ServiceBus,
  ) {}

  async eulas(
    input: { updateId: string; revisionNumber?: number | undefined; locales: readonly string[] },
    correlationId: string,
  ): Promise<UpdateEulasView> {
    const state = await loadState(this.store.db, { updateIds: [input.updateId] });
    const update = state.catalog.get(input.updateId);
    if (!update || update.revisions.size === 0) throw new CodedError(E.UpdateNotFound, `update ${input.updateId} is not in the catalog`);
    const revisionNumber = input.revisionNumber ?? latestRevision(update);
    if (!update.revisions.has(revisionNumber)) {
      throw new CodedError(E.RevisionNotFound, `update ${input.updateId} has no revision ${revisionNumber}`, {
        revisions: [...update.revisions.keys()].sort((a, b) => a - b),
      });
    }
    const required = eulasOf(state, input.updateId, revisionNumber);
    if (required.length === 0) throw new CodedError(E.EulaNotFound, `update ${input.updateId} revision ${revisionNumber} has no license agreement`);
    const ids = await this.store.db.query<{ update_id: string; revision_number: number; revision_id: number }>(
      `SELECT update_id, revision_number, revision_id FROM dep_catalog_revisions
        WHERE (update_id, revision_number) IN (SELECT e->>'u', (e->>'r')::integer FROM jsonb_array_elements($1::jsonb) AS e)`,
      [JSON.stringify(required.map((r) => ({ u: r.updateId, r: r.revisionNumber })))],
    );
    const revisionIdOf = new Map(ids.rows.map((r) => [`${r.update_id}/${r.revision_number}`, r.revision_id]));
    const eulas: EulaView[] = [];
    for (const r of required) {
      const revisionId = revisionIdOf.get(`${r.updateId}/${r.revisionNumber}`);
      const text =
        revisionId === undefined
          ? { available: [], files: [] }
          : await this.bus.request<EulaReply>(MetadataSubjects.eula, { revisionId, locales: input.locales }, { correlationId });
      const acceptance = state.acceptedEulas.get(r.eulaId);
      eulas.push({
        ...r,
        accepted: acceptance
          ? { acceptedAt: acceptance.acceptedAt, acceptedBy: acceptance.acceptedBy, updateId: acceptance.updateId, revisionNumber: acceptance.revisionNumber }
          : null,
        available: text.available,
        files: text.files,
      });
    }
    return { updateId: input.updateId, revisionNumber, accepted: eulas.every((e) => e.accepted !== null), eulas };
  }
}
