; The Windows release: a 64-bit self-extractor (MobilityServiceInstaller.exe in the seed) that puts the release
; folder (UnifiedAgent.exe, runtime\, ASR-MANIFEST.json, payload\) where /x: says:
;   Microsoft-ASR_UA_<version>_Windows_GA_<date>_release.exe /q /x:C:\Temp\Extracted
; /q is silent. Exit codes as Windows Installer's: 0 done, 1639 a bad command line, 1603 anything else.
; pack-agent builds it with Debian's makensis: -DOUTFILE=<exe> -DSTAGE=<release folder> -DVERSION=<x.y.z.w>
; [-DCOMPRESSOR=zlib|lzma].
Unicode true
Target amd64-unicode
!ifndef COMPRESSOR
  !define COMPRESSOR lzma
!endif
SetCompressor /SOLID ${COMPRESSOR}
CRCCheck force
RequestExecutionLevel admin
ShowInstDetails nevershow
Name "Microsoft Azure Site Recovery Mobility Service ${VERSION}"
OutFile "${OUTFILE}"
InstallDir "$TEMP\MobilityServiceInstaller"
VIProductVersion "${VERSION}"
VIAddVersionKey /LANG=1033 "ProductName" "Microsoft Azure Site Recovery Mobility Service"
VIAddVersionKey /LANG=1033 "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=1033 "FileDescription" "Mobility Service release (self-extracting)"
VIAddVersionKey /LANG=1033 "LegalCopyright" "Mobility Service Setup maintainers"

!include "FileFunc.nsh"
!include "LogicLib.nsh"

Page directory
Page instfiles

Function .onInit
  ${GetParameters} $R0
  ClearErrors
  ${GetOptions} $R0 "/q" $R1
  ${IfNot} ${Errors}
    SetSilent silent
  ${EndIf}
  ClearErrors
  ${GetOptions} $R0 "/x:" $R1
  ${If} ${Errors}
    ${If} ${Silent}
      ; Silent needs a folder to extract into: nothing to ask.
      SetErrorLevel 1639
      Quit
    ${EndIf}
  ${Else}
    ; /x:"C:\Temp\My Folder" arrives with its quotes.
    StrCpy $R2 $R1 1
    ${If} $R2 == '"'
      StrCpy $R1 $R1 "" 1
      StrCpy $R1 $R1 -1
    ${EndIf}
    ${If} $R1 == ""
      SetErrorLevel 1639
      Quit
    ${EndIf}
    StrCpy $INSTDIR $R1
  ${EndIf}
FunctionEnd

Section "Release"
  SetOutPath "$INSTDIR"
  ClearErrors
  File /r "${STAGE}\*.*"
  ${If} ${Errors}
    SetErrorLevel 1603
    Abort
  ${EndIf}
  SetErrorLevel 0
SectionEnd
