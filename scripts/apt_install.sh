#!/usr/bin/env bash
# Shared by scripts/ensure_*.sh: install one Debian package when we can (root, or sudo, on
# Debian/Ubuntu). Usage: apt_install PACKAGE "what needs it"; returns 1 when it cannot.
apt_install() {
  local package="$1" purpose="$2" sudo=()
  command -v apt-get >/dev/null 2>&1 || return 1
  if [[ "$(id -u)" != "0" ]]; then
    command -v sudo >/dev/null 2>&1 || return 1
    sudo=(sudo)
  fi
  echo "Installing Debian's ${package} for ${purpose} (${sudo[*]:+sudo }apt-get install ${package})..."
  "${sudo[@]}" apt-get update -qq
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${package}" >/dev/null
}
