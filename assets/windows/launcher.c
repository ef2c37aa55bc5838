/*
 * UnifiedAgent.exe and UnifiedAgentConfigurator.exe: the Windows release's launcher. It is what an admin runs
 * (the seed's UnifiedAgent.exe /Role "MS" /InstallLocation ... /Silent), so before it starts anything it checks
 * that Windows is one Node 20 runs on (2012 R2 or later; on 2012 and 2008 R2 Node would only fail with exit 216)
 * and that the runtime and the engine beside it are the files this release was built with (sha256 sums compiled
 * in by pack-agent). Then it runs the engine on that runtime with the switches it was given, word for word, on
 * the same console and standard handles, and returns the engine's exit code (Windows Installer's: 0, 1602, 1603,
 * 1618, 1639, 3010). Written in C because nothing else here makes a console program that runs on every Windows
 * of the support matrix; it is built by pack-agent with Debian's mingw-w64.
 *
 * Named UnifiedAgent.exe it installs from the folder it is in (the extracted release): runtime\node.exe, and
 * `install --package-dir <its folder>`. Named UnifiedAgentConfigurator.exe (the install puts it in
 * <install location>\agent) it registers: <install location>\.asrsetup\runtime\node.exe, and `configure`.
 */
#include <windows.h>
#include <wincrypt.h>
#include <stdio.h>
#include <wchar.h>

#ifndef NODE_SHA256
#error "pack-agent defines NODE_SHA256 and ENGINE_SHA256"
#endif

#define EXIT_FAILED 1603

typedef LONG(WINAPI *RtlGetVersionFn)(OSVERSIONINFOW *);

static int configurator;

static void logLine(const wchar_t *message) {
  wchar_t dir[MAX_PATH], file[MAX_PATH + 64];
  DWORD n = GetEnvironmentVariableW(L"ProgramData", dir, MAX_PATH);
  if (n == 0 || n >= MAX_PATH) wcscpy(dir, L"C:\\ProgramData");
  wcscat(dir, L"\\ASRSetupLogs");
  CreateDirectoryW(dir, NULL);
  swprintf(file, MAX_PATH + 64, L"%ls\\%ls", dir,
           configurator ? L"ASRUnifiedAgentConfigurator.log" : L"ASRUnifiedAgentInstaller.log");
  FILE *log = _wfopen(file, L"a, ccs=UTF-8");
  if (!log) return;
  SYSTEMTIME now;
  GetSystemTime(&now);
  fwprintf(log, L"%04u-%02u-%02uT%02u:%02u:%02u.%03uZ ERROR %ls\n", now.wYear, now.wMonth, now.wDay, now.wHour,
           now.wMinute, now.wSecond, now.wMilliseconds, message);
  fclose(log);
}

static int refuse(const wchar_t *code, const wchar_t *message, const wchar_t *remedy) {
  wchar_t line[2048];
  swprintf(line, 2048, L"%ls: %ls", code, message);
  logLine(line);
  fwprintf(stderr, L"Error %ls: %ls\nRemedy: %ls\n", code, message, remedy);
  return EXIT_FAILED;
}

/* The sha256 of a file as 64 lower-case hex digits, through CryptoAPI; 0 when it cannot be read. */
static int sha256File(const wchar_t *path, char out[65]) {
  HCRYPTPROV provider = 0;
  HCRYPTHASH hash = 0;
  int ok = 0;
  HANDLE file = CreateFileW(path, GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING, FILE_FLAG_SEQUENTIAL_SCAN, NULL);
  if (file == INVALID_HANDLE_VALUE) return 0;
  if (CryptAcquireContextW(&provider, NULL, NULL, PROV_RSA_AES, CRYPT_VERIFYCONTEXT) &&
      CryptCreateHash(provider, CALG_SHA_256, 0, 0, &hash)) {
    static BYTE buffer[1 << 20];
    DWORD got;
    ok = 1;
    while (ok && ReadFile(file, buffer, sizeof buffer, &got, NULL) && got > 0) ok = CryptHashData(hash, buffer, got, 0);
    BYTE digest[32];
    DWORD size = sizeof digest;
    if (ok && CryptGetHashParam(hash, HP_HASHVAL, digest, &size, 0) && size == 32) {
      for (int i = 0; i < 32; i++) sprintf(out + 2 * i, "%02x", digest[i]);
    } else {
      ok = 0;
    }
  }
  if (hash) CryptDestroyHash(hash);
  if (provider) CryptReleaseContext(provider, 0);
  CloseHandle(file);
  return ok;
}

/* What follows the program name on the command line, exactly as it was typed (quotes included). */
static const wchar_t *argumentsOf(const wchar_t *line) {
  int quoted = 0;
  while (*line && (quoted || (*line != L' ' && *line != L'\t'))) {
    if (*line == L'"') quoted = !quoted;
    line++;
  }
  while (*line == L' ' || *line == L'\t') line++;
  return line;
}

static BOOL WINAPI ignoreCtrl(DWORD type) {
  (void)type;
  return TRUE; /* the engine, on the same console, gets Ctrl-C and rolls back; this one waits for it */
}

int wmain(void) {
  wchar_t self[MAX_PATH], dir[MAX_PATH], runtime[MAX_PATH + 64], node[MAX_PATH + 96], engine[MAX_PATH + 96];
  DWORD n = GetModuleFileNameW(NULL, self, MAX_PATH);
  if (n == 0 || n >= MAX_PATH) return refuse(L"INSTALL_FAILED", L"cannot tell where this program is", L"Run it from a path shorter than 260 characters.");
  wcscpy(dir, self);
  wchar_t *slash = wcsrchr(dir, L'\\');
  if (slash) *slash = 0;
  const wchar_t *name = slash ? slash + 1 : self;
  configurator = _wcsnicmp(name, L"UnifiedAgentConfigurator", 24) == 0;
  if (configurator) swprintf(runtime, MAX_PATH + 64, L"%ls\\..\\.asrsetup\\runtime", dir);
  else swprintf(runtime, MAX_PATH + 64, L"%ls\\runtime", dir);

  OSVERSIONINFOW version;
  ZeroMemory(&version, sizeof version);
  version.dwOSVersionInfoSize = sizeof version;
  RtlGetVersionFn getVersion = (RtlGetVersionFn)(void *)GetProcAddress(GetModuleHandleW(L"ntdll.dll"), "RtlGetVersion");
  if (!getVersion || getVersion(&version) != 0) return refuse(L"UNSUPPORTED_OS", L"cannot read the Windows version", L"Install on Windows Server 2016 or 2012 R2.");
  if (version.dwMajorVersion < 6 || (version.dwMajorVersion == 6 && version.dwMinorVersion < 3)) {
    wchar_t message[256];
    swprintf(message, 256,
             L"Windows %lu.%lu.%lu (Server 2012, 2008 R2 or older) cannot run this release's Node runtime, which needs Windows Server 2012 R2 or later",
             version.dwMajorVersion, version.dwMinorVersion, version.dwBuildNumber);
    return refuse(L"UNSUPPORTED_OS", message, L"Install on Windows Server 2016 or 2012 R2, or upgrade this server first.");
  }

  swprintf(node, MAX_PATH + 96, L"%ls\\node.exe", runtime);
  swprintf(engine, MAX_PATH + 96, L"%ls\\asr-setup.cjs", runtime);
  const wchar_t *again = configurator ? L"Install the agent again from its release; the runtime kept with it has changed."
                                      : L"Extract the release again (MobilityServiceInstaller.exe /q /x:<folder>), then run UnifiedAgent.exe there.";
  struct { const wchar_t *path; const char *sum; const wchar_t *what; } files[] = {
      {node, NODE_SHA256, L"runtime\\node.exe"}, {engine, ENGINE_SHA256, L"runtime\\asr-setup.cjs"}};
  for (int i = 0; i < 2; i++) {
    char actual[65] = {0};
    if (!sha256File(files[i].path, actual) || strcmp(actual, files[i].sum) != 0) {
      wchar_t message[MAX_PATH + 256];
      swprintf(message, MAX_PATH + 256, L"%ls in %ls is missing or is not the file this release was built with", files[i].what, runtime);
      return refuse(L"INSTALL_FAILED", message, again);
    }
  }

  const wchar_t *args = argumentsOf(GetCommandLineW());
  size_t size = wcslen(node) + wcslen(engine) + wcslen(dir) + wcslen(args) + 128;
  wchar_t *command = (wchar_t *)HeapAlloc(GetProcessHeap(), 0, size * sizeof(wchar_t));
  if (!command) return refuse(L"INSTALL_FAILED", L"out of memory", L"Close other programs and run it again.");
  if (configurator) swprintf(command, size, L"\"%ls\" --max-semi-space-size=1 \"%ls\" configure %ls", node, engine, args);
  else swprintf(command, size, L"\"%ls\" --max-semi-space-size=1 \"%ls\" install --package-dir \"%ls\" %ls", node, engine, dir, args);

  STARTUPINFOW startup;
  ZeroMemory(&startup, sizeof startup);
  startup.cb = sizeof startup;
  startup.dwFlags = STARTF_USESTDHANDLES;
  startup.hStdInput = GetStdHandle(STD_INPUT_HANDLE);
  startup.hStdOutput = GetStdHandle(STD_OUTPUT_HANDLE);
  startup.hStdError = GetStdHandle(STD_ERROR_HANDLE);
  PROCESS_INFORMATION child;
  SetConsoleCtrlHandler(ignoreCtrl, TRUE);
  if (!CreateProcessW(node, command, NULL, NULL, TRUE, 0, NULL, NULL, &startup, &child)) {
    wchar_t message[MAX_PATH + 128];
    swprintf(message, MAX_PATH + 128, L"cannot start %ls (Windows error %lu)", node, GetLastError());
    return refuse(L"INSTALL_FAILED", message, again);
  }
  WaitForSingleObject(child.hProcess, INFINITE);
  DWORD code = EXIT_FAILED;
  GetExitCodeProcess(child.hProcess, &code);
  CloseHandle(child.hThread);
  CloseHandle(child.hProcess);
  return (int)code;
}
