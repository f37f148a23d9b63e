; Inno Setup script of Alliance Desktop (Windows installer).
; Build on Windows, after `python packaging\build.py`, with:
;   iscc /DAppVersion=<version printed by build.py> packaging\windows\alliance-desktop.iss
; The version is passed in by the build so that it has one source: the package metadata.

#ifndef AppVersion
  #error AppVersion must be given: iscc /DAppVersion=x.y.z
#endif

#define AppName "Alliance Desktop"
#define AppExe "alliance-desktop.exe"
#define DistDir "..\..\dist\alliance-desktop"

[Setup]
; A fixed AppId: upgrades replace the previous version instead of installing beside it.
AppId={{6F1C2B7E-4A51-4E0B-9C3D-A11A1CE00001}
AppName={#AppName}
AppVersion={#AppVersion}
AppPublisher=Alliance pour la transition écologique et solidaire
DefaultDirName={autopf}\Alliance Desktop
DefaultGroupName=Alliance Desktop
; Per-user install by default: facilitators rarely have administrator rights.
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
OutputDir=..\..\dist
OutputBaseFilename=alliance-desktop-{#AppVersion}-setup
SetupIconFile=..\icons\alliance-desktop.ico
UninstallDisplayIcon={app}\{#AppExe}
Compression=lzma2
SolidCompression=yes
WizardStyle=modern
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
LicenseFile=..\..\LICENSE

[Languages]
Name: "french"; MessagesFile: "compiler:Languages\French.isl"
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"

[Files]
Source: "{#DistDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\{#AppName}"; Filename: "{app}\{#AppExe}"
Name: "{group}\{cm:UninstallProgram,{#AppName}}"; Filename: "{uninstallexe}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; Tasks: desktopicon

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

; The data folder (%LOCALAPPDATA%\AllianceDesktop) is never touched by the installer or the
; uninstaller: the database and its backups survive upgrades and removal.
