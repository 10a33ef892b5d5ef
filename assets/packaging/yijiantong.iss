; 意见通的 Windows 安装程序（Inno Setup 6）：按用户安装，不需要管理员权限；
; 开始菜单中的“意见通”，双击 .yjt 项目文件即用意见通打开（写在 HKCU，只影响当前用户）。
; 先用 build.py 生成程序文件夹，再编译本脚本（build.py 在 iscc 可用时自动完成这一步）：
;   iscc /DAppVersion=0.2.0 /DAppFolder=..\..\build\package\dist\yijiantong assets\packaging\yijiantong.iss

#ifndef AppVersion
  #define AppVersion "0.0.0"
#endif
#ifndef AppFolder
  #define AppFolder "..\..\build\package\dist\yijiantong"
#endif
#define ProgId "YiJianTong.Project"

[Setup]
AppId={{6B0F4D8E-3C1A-4E57-9A0B-7C2D5E8F1A36}
AppName=意见通
AppVersion={#AppVersion}
AppVerName=意见通 {#AppVersion}
AppPublisher=意见通
PrivilegesRequired=lowest
DefaultDirName={autopf}\YiJianTong
DisableProgramGroupPage=yes
ChangesAssociations=yes
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
SetupIconFile=..\yijiantong.ico
UninstallDisplayIcon={app}\yijiantong.exe
OutputDir=..\..\dist
OutputBaseFilename=yijiantong-{#AppVersion}-windows-x64-setup
Compression=lzma2
SolidCompression=yes
WizardStyle=modern

[Languages]
#if FileExists(AddBackslash(CompilerPath) + "Languages\ChineseSimplified.isl")
Name: "chinesesimplified"; MessagesFile: "compiler:Languages\ChineseSimplified.isl"
#else
Name: "default"; MessagesFile: "compiler:Default.isl"
#endif

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
Source: "{#AppFolder}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\意见通"; Filename: "{app}\yijiantong.exe"
Name: "{autodesktop}\意见通"; Filename: "{app}\yijiantong.exe"; Tasks: desktopicon

[Registry]
Root: HKCU; Subkey: "Software\Classes\.yjt"; ValueType: string; ValueName: ""; ValueData: "{#ProgId}"; Flags: uninsdeletevalue
Root: HKCU; Subkey: "Software\Classes\.yjt\OpenWithProgids"; ValueType: string; ValueName: "{#ProgId}"; ValueData: ""; Flags: uninsdeletevalue
Root: HKCU; Subkey: "Software\Classes\{#ProgId}"; ValueType: string; ValueName: ""; ValueData: "意见通项目"; Flags: uninsdeletekey
Root: HKCU; Subkey: "Software\Classes\{#ProgId}\DefaultIcon"; ValueType: string; ValueName: ""; ValueData: "{app}\yijiantong.exe,0"
Root: HKCU; Subkey: "Software\Classes\{#ProgId}\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\yijiantong.exe"" ""%1"""

[Run]
Filename: "{app}\yijiantong.exe"; Description: "{cm:LaunchProgram,意见通}"; Flags: nowait postinstall skipifsilent
