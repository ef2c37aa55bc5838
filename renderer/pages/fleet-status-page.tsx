import { useRef } from 'react';
import { FLEET_FILTERS, matchesFleetFilter, type FleetFilter, type FleetRow } from '../../shared/fleet-status';
import { ErrorPanel } from '../components/error-panel';
import { VirtualTableBody } from '../components/virtual-table-body';
import { WizardFrame } from '../components/wizard-frame';
import type { MessageId } from '../i18n/messages-en';
import { useTranslator } from '../i18n/use-translator';
import { HostNameText } from '../components/token-text';
import { filteredRows, pushToFiltered, readFleetStatus, setFleetFilter } from '../state/fleet-actions';
import { useFleet } from '../state/fleet-store';
import { goTo } from '../state/actions';
import { usePush } from '../state/push-store';
import './push.css';

// What the fleet has (push-install --status, the same code an admin runs): a row a server, filters with their
// counts (not installed, outdated, not registered, service down, unreachable), and a push to the servers the
// filter shows. Server text (OS, versions, errors) is the CLI's, in English as its output has it.

const FILTER_LABEL: Readonly<Record<FleetFilter | 'all', MessageId>> = {
  all: 'fleet.filter.all',
  'not-installed': 'fleet.filter.notInstalled',
  outdated: 'fleet.filter.outdated',
  'not-registered': 'fleet.filter.notRegistered',
  'service-down': 'fleet.filter.serviceDown',
  unreachable: 'fleet.filter.unreachable',
};

function FleetCells({ row }: { readonly row: FleetRow }) {
  const { t } = useTranslator();
  if (!row.reachable)
    return (
      <>
        <th scope="row">
          <HostNameText name={row.host} />
        </th>
        <td colSpan={5}>
          <strong className="row-status status-failed">{t('fleet.unreachable')}</strong>
          {row.error ? (
            <span className="row-error">
              <code>{row.error.code}</code> {row.error.message}
            </span>
          ) : null}
        </td>
      </>
    );
  return (
    <>
      <th scope="row">
        <HostNameText name={row.host} />
      </th>
      <td>{row.osLabel ?? '–'}</td>
      <td>
        {row.installed ? (row.agentVersion ?? '?') : t('fleet.notInstalled')}
        {row.outdated && row.latestVersion ? (
          <span className="step-message">{t('fleet.newer', { version: row.latestVersion })}</span>
        ) : null}
      </td>
      <td>
        {row.registration ? (
          <>
            {row.registration.csEndpoint}
            <span className="step-message wrap">{row.registration.hostId}</span>
          </>
        ) : row.installed ? (
          t('fleet.notRegistered')
        ) : (
          '–'
        )}
      </td>
      <td>{row.installed ? t('fleet.service', { state: row.service }) : '–'}</td>
      <td>{row.lastResult ? `${row.lastResult.status} (${row.lastResult.time})` : '–'}</td>
    </>
  );
}

export function FleetStatusPage() {
  const { t } = useTranslator();
  const { fleet, filter } = useFleet();
  const startError = usePush((s) => s.startError);
  const scroller = useRef<HTMLDivElement>(null);
  const rows = fleet.status === 'done' ? fleet.rows : [];
  const shown = filteredRows(rows, filter);
  const pushable = shown.filter((row) => row.reachable).length;
  const count = (f: FleetFilter | 'all'): number =>
    f === 'all' ? rows.length : rows.filter((row) => matchesFleetFilter(row, f)).length;
  return (
    <WizardFrame title={t('step.fleetStatus')}>
      <p className="hint">{t('fleet.intro')}</p>
      {fleet.status === 'reading' ? <p role="status">{t('fleet.reading', { count: fleet.hosts.length })}</p> : null}
      {fleet.status === 'error' ? <ErrorPanel error={fleet.error} title={t('fleet.notRead')} /> : null}
      {fleet.status === 'done' ? (
        <>
          <fieldset className="filters">
            <legend>{t('fleet.show')}</legend>
            {(['all', ...FLEET_FILTERS] as const).map((f) => (
              <label key={f} className="choice">
                <input type="radio" name="fleet-filter" checked={filter === f} onChange={() => setFleetFilter(f)} />
                {t(FILTER_LABEL[f], { count: count(f) })}
              </label>
            ))}
          </fieldset>
          <p role="status" className="hint">
            {t('fleet.showing', { shown: shown.length, total: rows.length })}
          </p>
          <div ref={scroller} className="table-scroll tall" role="region" aria-label={t('fleet.table')} tabIndex={0}>
            <table className="push-table" aria-rowcount={shown.length + 1}>
              <caption className="visually-hidden">{t('fleet.table')}</caption>
              <thead>
                <tr aria-rowindex={1}>
                  <th scope="col">{t('push.col.server')}</th>
                  <th scope="col">{t('push.col.os')}</th>
                  <th scope="col">{t('fleet.col.version')}</th>
                  <th scope="col">{t('fleet.col.registration')}</th>
                  <th scope="col">{t('fleet.col.service')}</th>
                  <th scope="col">{t('fleet.col.lastSetup')}</th>
                </tr>
              </thead>
              <VirtualTableBody
                rows={shown}
                scroller={scroller}
                columns={6}
                estimate={44}
                rowKey={(row) => row.host}
                renderCells={(row) => <FleetCells row={row} />}
              />
            </table>
          </div>
        </>
      ) : null}
      {startError ? <ErrorPanel error={startError} /> : null}
      <div className="actions">
        <button type="button" onClick={() => goTo({ type: 'push-host-keys' })}>
          {t('common.back')}
        </button>
        <button type="button" disabled={fleet.status === 'reading'} onClick={() => void readFleetStatus()}>
          {t('fleet.readAgain')}
        </button>
        <button
          type="button"
          className="primary"
          disabled={fleet.status !== 'done' || pushable === 0}
          onClick={() => void pushToFiltered()}
        >
          {t('fleet.pushTo', { count: pushable })}
        </button>
      </div>
    </WizardFrame>
  );
}
