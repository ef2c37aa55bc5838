/*
 * The Windows sample agent's stand-in: a real Windows service (the SCM starts only programs that speak its
 * protocol), built with mingw-w64 for the Windows tests, as assets/sample-agent/bin/svagentsd is a shell
 * stand-in on Linux. As a service it reports RUNNING until told to stop; with --exit-at-start it reports RUNNING
 * and then stops at once with exit code 1067, as an agent that cannot load its libraries would. Run as a
 * component (--exit N) it exits N at once.
 */
#include <windows.h>
#include <wchar.h>

static SERVICE_STATUS_HANDLE handle;
static SERVICE_STATUS status;
static HANDLE stopEvent;
static int exitAtStart;

static void report(DWORD state, DWORD exitCode) {
  status.dwCurrentState = state;
  status.dwWin32ExitCode = exitCode;
  SetServiceStatus(handle, &status);
}

static DWORD WINAPI control(DWORD code, DWORD type, LPVOID data, LPVOID context) {
  (void)type, (void)data, (void)context;
  if (code == SERVICE_CONTROL_STOP || code == SERVICE_CONTROL_SHUTDOWN) {
    report(SERVICE_STOP_PENDING, NO_ERROR);
    SetEvent(stopEvent);
  }
  return NO_ERROR;
}

static void WINAPI serviceMain(DWORD argc, LPWSTR *argv) {
  (void)argc, (void)argv;
  handle = RegisterServiceCtrlHandlerExW(L"", control, NULL);
  status.dwServiceType = SERVICE_WIN32_OWN_PROCESS;
  status.dwControlsAccepted = SERVICE_ACCEPT_STOP | SERVICE_ACCEPT_SHUTDOWN;
  stopEvent = CreateEventW(NULL, TRUE, FALSE, NULL);
  report(SERVICE_RUNNING, NO_ERROR);
  if (exitAtStart) {
    Sleep(200);
    report(SERVICE_STOPPED, ERROR_PROCESS_ABORTED);
    return;
  }
  WaitForSingleObject(stopEvent, INFINITE);
  report(SERVICE_STOPPED, NO_ERROR);
}

int wmain(int argc, wchar_t **argv) {
  for (int i = 1; i < argc; i++) {
    if (wcscmp(argv[i], L"--exit") == 0 && i + 1 < argc) return _wtoi(argv[i + 1]);
    if (wcscmp(argv[i], L"--exit-at-start") == 0) exitAtStart = 1;
  }
  SERVICE_TABLE_ENTRYW table[] = {{L"", serviceMain}, {NULL, NULL}};
  return StartServiceCtrlDispatcherW(table) ? 0 : (int)GetLastError();
}
