@echo off
rem Double-click to install the toolkit (details in installer.ps1).
powershell -NoProfile -ExecutionPolicy Bypass -File "%~dp0installer.ps1"
pause
