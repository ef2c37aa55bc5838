import './install-option-help.css';

// Short help for the two choices on Installation Option, in the words of the Mobility service documentation.
export function InstallOptionHelp() {
  return (
    <details className="option-help">
      <summary>Which role and platform?</summary>
      <dl className="facts">
        <dt>Mobility service (MS)</dt>
        <dd>
          Install it on each VMware VM and physical server you want to replicate: it captures data writes on the machine
          and forwards them to the Site Recovery process server.
        </dd>
        <dt>Master target (MT)</dt>
        <dd>
          Install it only on a server that is to receive replicated data, such as the master target server used to fail
          back from Azure; machines you protect get the mobility service.
        </dd>
        <dt>VMware virtual machine or physical server</dt>
        <dd>
          For VMware VMs and physical servers. If you are treating Azure VMs as physical machines, choose this too.
        </dd>
        <dt>Azure virtual machine</dt>
        <dd>For Azure VMs.</dd>
      </dl>
    </details>
  );
}
