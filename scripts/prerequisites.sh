#!/usr/bin/env bash
# Installs, from Debian's packages, what the test suite starts on a fresh machine of this kind:
# RabbitMQ, PostgreSQL and Orthanc (the scripts that start them would install them too; doing it
# once up front keeps the first test's timing honest). Nothing is downloaded outside the package
# registries.
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=scripts/lib.sh
source "$SCRIPT_DIR/lib.sh"
lib_init

install_if_missing /usr/lib/rabbitmq/bin/rabbitmq-server rabbitmq-server
install_if_missing /usr/lib/postgresql/15/bin/initdb postgresql
install_if_missing /usr/sbin/Orthanc orthanc
command -v dotnet >/dev/null || die "the .NET SDK (dotnet) is not on PATH"
log "prerequisites present"
