# Installe la boîte à outils des réclamations pour l'utilisateur de ce PC Windows.
#
# Lancement : double-cliquer sur installer.bat (à côté de ce fichier), ou
#   powershell -NoProfile -ExecutionPolicy Bypass -File installer.ps1
#
# Ce que fait le script :
#   1. trouve Python 3.11 ou plus récent (lanceur « py » de python.org, sinon python.exe) ;
#   2. crée l'environnement dans %LOCALAPPDATA%\toolkit-reclamations\venv (le profil local de
#      l'utilisateur, jamais synchronisé par OneDrive) ;
#   3. y installe l'outil avec ses seules dépendances d'exécution : le fichier
#      toolkit_reclamations-*.whl posé à côté de ce script (ou dans dist\), sinon le dossier
#      des sources au-dessus de scripts\ ;
#   4. copie toolkit.exe dans %LOCALAPPDATA%\toolkit-reclamations\bin et ajoute ce dossier au
#      PATH de l'utilisateur : « toolkit » marche dans tout nouveau terminal.
# Relancer le script met l'outil à jour ; le registre et les réglages ne sont pas touchés.
#
# Le fichier est en UTF-8 avec BOM : Windows PowerShell 5.1 lit sinon les accents de travers.
#
# Vérification : ce script n'a PAS été exécuté sous Windows (aucun Windows ni PowerShell
# disponible là où il a été écrit) ; il a seulement été relu. La même installation (venv,
# wheel sans extras, commande appelée depuis un dossier vide) est exécutée sous Linux par
# scripts/ci_wheel.sh à chaque intégration continue.

$ErrorActionPreference = "Stop"
$here = Split-Path -Parent $MyInvocation.MyCommand.Path
$home_dir = Join-Path $env:LOCALAPPDATA "toolkit-reclamations"
$venv = Join-Path $home_dir "venv"
$bin = Join-Path $home_dir "bin"

function Stop-Install([string]$message) {
    Write-Host ""
    Write-Host "ERREUR : $message" -ForegroundColor Red
    exit 1
}

# 1. Python: "py -3" picks the newest Python 3 installed, whatever its minor version.
if (Get-Command py -ErrorAction SilentlyContinue) { $exe = "py"; $pyargs = @("-3") }
elseif (Get-Command python -ErrorAction SilentlyContinue) { $exe = "python"; $pyargs = @() }
else { Stop-Install "Python est introuvable. Installez-le depuis https://www.python.org (cochez « Add python.exe to PATH »), puis relancez." }
& $exe @pyargs -c "import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)"
if ($LASTEXITCODE -ne 0) { Stop-Install "Python 3.11 ou plus récent est nécessaire : installez la dernière version depuis https://www.python.org, puis relancez." }

# 2. What to install: a wheel beside the script (or in dist\), else the source folder.
$wheel = Get-ChildItem -Path $here, (Join-Path $here "dist"), (Join-Path $here "..\dist") `
    -Filter "toolkit_reclamations-*.whl" -ErrorAction SilentlyContinue |
    Sort-Object LastWriteTime | Select-Object -Last 1
$sources = Resolve-Path (Join-Path $here "..") -ErrorAction SilentlyContinue
if ($wheel) { $target = $wheel.FullName }
elseif ($sources -and (Test-Path (Join-Path $sources "pyproject.toml"))) { $target = "$sources" }
else { Stop-Install "Ni fichier toolkit_reclamations-*.whl ni dossier des sources à côté de ce script." }

# 3. The environment, in the local profile (never inside OneDrive).
Write-Host "Installation dans $venv ..."
if (-not (Test-Path (Join-Path $venv "Scripts\python.exe"))) {
    & $exe @pyargs -m venv $venv
    if ($LASTEXITCODE -ne 0) { Stop-Install "Impossible de créer l'environnement $venv." }
}
$venv_python = Join-Path $venv "Scripts\python.exe"
& $venv_python -m pip install --quiet --upgrade pip
& $venv_python -m pip install --upgrade $target
if ($LASTEXITCODE -ne 0) { Stop-Install "L'installation a échoué (connexion Internet ? voir les messages ci-dessus)." }

# 4. "toolkit" in every new terminal: only toolkit.exe goes on the PATH, not the venv's python.
New-Item -ItemType Directory -Force -Path $bin | Out-Null
Copy-Item -Force (Join-Path $venv "Scripts\toolkit.exe") (Join-Path $bin "toolkit.exe")
$user_path = [Environment]::GetEnvironmentVariable("Path", "User")
if (-not (($user_path -split ";") -contains $bin)) {
    $new_path = if ($user_path) { "$user_path;$bin" } else { $bin }
    [Environment]::SetEnvironmentVariable("Path", $new_path, "User")
}

& (Join-Path $bin "toolkit.exe") --version
Write-Host ""
Write-Host "Installé. Fermez ce terminal et ouvrez-en un nouveau, puis tapez : toolkit --help" -ForegroundColor Green
