#!/bin/sh
# Install the system packages archcat needs when they are missing:
# Graphviz (the `dot` layout engine) and the DejaVu fonts the diagrams use;
# with --test also what the tests drive: Chromium (the gallery's browser
# tests), LibreOffice Impress and poppler-utils (opening the slide decks).
# Debian/Ubuntu only; elsewhere it says what to install and stops.
set -eu

missing=""
if [ "${1:-}" = "--test" ]; then
  command -v chromium >/dev/null 2>&1 || missing="$missing chromium"
  command -v soffice >/dev/null 2>&1 || missing="$missing libreoffice-impress"
  command -v pdfinfo >/dev/null 2>&1 || missing="$missing poppler-utils"
  [ -d /usr/share/fonts/truetype/liberation2 ] || missing="$missing fonts-liberation2"
fi
command -v dot >/dev/null 2>&1 || missing="$missing graphviz"
if command -v fc-list >/dev/null 2>&1; then
  fc-list 2>/dev/null | grep -qi "DejaVuSans" || missing="$missing fonts-dejavu-core"
else
  [ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || missing="$missing fonts-dejavu-core"
fi
[ -z "$missing" ] && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
  echo "archcat needs:$missing" >&2
  echo "This system has no apt-get: install them (Graphviz from https://graphviz.org/download/)" >&2
  echo "with your package manager, then run make again." >&2
  exit 1
fi
if [ "$(id -u)" -eq 0 ]; then
  SUDO=""
elif command -v sudo >/dev/null 2>&1; then
  SUDO="sudo"
else
  echo "archcat needs:$missing. Run as root: apt-get install -y$missing" >&2
  exit 1
fi
echo "Installing system packages:$missing"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
