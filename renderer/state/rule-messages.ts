import type { EndpointProblem } from '../../shared/cs-endpoint';
import type { LocationProblem } from '../../shared/install-location';
import { message, type Message } from '../i18n/message';

// The shared input rules' problems (the same rules main and the CLIs apply, which print them in English) as
// the wizard's messages, so a field says what is wrong in the wizard's language.

export function locationProblemMessage(problem: LocationProblem): Message {
  switch (problem.kind) {
    case 'not-utf8':
      return message('location.notUtf8');
    case 'name-too-long':
      // Byte counts are identifiers of a limit here ("200"), not amounts to group ("1,024").
      return message('location.nameTooLong', {
        name: problem.name,
        bytes: String(problem.bytes),
        max: String(problem.max),
      });
    case 'empty':
      return message('location.empty');
    case 'spaces-around':
      return message('location.spacesAround', { path: problem.path });
    case 'too-long':
      return message('location.tooLong', { max: String(problem.max) });
    case 'control-character':
      return message('location.controlCharacter');
    case 'not-absolute':
      return message('location.notAbsolute', { path: problem.path, platform: problem.platform });
    case 'dot-components':
      return message('location.dotComponents', { path: problem.path });
    case 'system-folder':
      return problem.suggestion === null
        ? message('location.systemFolderBelow', { path: problem.path })
        : message('location.systemFolder', { path: problem.path, suggestion: problem.suggestion });
    case 'inside-system-folder':
      return message('location.insideSystemFolder', { path: problem.path, folder: problem.folder });
    case 'windows-character':
      return message('location.windowsCharacter', { path: problem.path, characters: '< > : " | ? *' });
    case 'windows-name-end':
      return message('location.windowsNameEnd', { path: problem.path });
    case 'list-separator':
      return message('location.listSeparator', { path: problem.path });
    default: {
      const unreachable: never = problem;
      return unreachable;
    }
  }
}

export function endpointProblemMessage(problem: EndpointProblem): Message {
  const expected = message('endpoint.expected');
  switch (problem.kind) {
    case 'empty':
      return message('endpoint.empty', { expected });
    case 'spaces-around':
      return message('endpoint.spacesAround', { text: problem.text, expected });
    case 'url':
      return message('endpoint.url', { text: problem.text, expected });
    case 'unclosed-bracket':
      return message('endpoint.unclosedBracket', { text: problem.text, expected });
    case 'after-address':
      return message('endpoint.afterAddress', { text: problem.text, rest: problem.rest, expected });
    case 'invalid-port':
      return message('endpoint.invalidPort', { text: problem.text, port: problem.port });
    case 'port-range':
      return message('endpoint.portRange', { text: problem.text, port: String(problem.port) });
    case 'ipv6-zone':
      return message('endpoint.ipv6Zone', { text: problem.text });
    case 'not-ipv6':
      return message('endpoint.notIpv6', { text: problem.text, expected });
    case 'not-ipv6-unbracketed':
      return message('endpoint.notIpv6Unbracketed', { text: problem.text, expected });
    case 'not-ipv4':
      return message('endpoint.notIpv4', { text: problem.text, expected });
    case 'host-name':
      return message('endpoint.hostName', { text: problem.text, expected });
    case 'unspecified':
      return message('endpoint.unspecified', { text: problem.text });
    case 'host-and-port':
      return message('endpoint.hostAndPort', {
        host: endpointProblemMessage(problem.host),
        port: endpointProblemMessage(problem.port),
      });
    default: {
      const unreachable: never = problem;
      return unreachable;
    }
  }
}
