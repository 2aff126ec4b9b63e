#!/usr/bin/env bash
# First start of Mosquitto with the dynamic-security plugin (mosquitto-dynsec.conf), in two steps:
#
#   dynsec-init.sh file FILE
#       before the broker's first start: FILE (the plugin_opt_config_file) with the dynsec admin client 'admin'
#       (mosquitto_ctrl dynsec init); its password from MQTT_DYNSEC_ADMIN_PASSWORD. Refuses to overwrite FILE.
#   dynsec-init.sh service [-h HOST] [-p PORT] [other mosquitto_ctrl connect options, e.g. --cafile]
#       broker running: as 'admin', creates the service's broker client (username MASKGATE_MQTT_USERNAME, default
#       maskgate-service; password MASKGATE_MQTT_PASSWORD) with the role 'maskgate-service' (the service lines of
#       deploy/mosquitto/acl) and the role 'maskgate-dynsec' (the dynamic-security control topic, so the service
#       can provision units and actuators). Units and actuators are then created by the service, never by hand.
#
# Passwords only from the environment (never on the command line of this script); keep the admin password
# offline once the service's client exists. Needs mosquitto_ctrl (Debian/Ubuntu: package mosquitto-clients).
set -euo pipefail
cmd="${1:-}"; shift || true
command -v mosquitto_ctrl >/dev/null || { echo "dynsec-init: mosquitto_ctrl is needed" >&2; exit 1; }
: "${MQTT_DYNSEC_ADMIN_PASSWORD:?dynsec-init: set MQTT_DYNSEC_ADMIN_PASSWORD}"
case "$cmd" in
  file)
    file="${1:?usage: dynsec-init.sh file FILE}"
    [[ ! -e "$file" ]] || { echo "dynsec-init: $file exists; not overwriting it" >&2; exit 1; }
    umask 077
    mosquitto_ctrl dynsec init "$file" admin "$MQTT_DYNSEC_ADMIN_PASSWORD" >/dev/null
    echo "dynsec-init: $file created with the dynsec admin client 'admin'"
    ;;
  service)
    : "${MASKGATE_MQTT_PASSWORD:?dynsec-init: set MASKGATE_MQTT_PASSWORD (broker password of the service)}"
    user="${MASKGATE_MQTT_USERNAME:-maskgate-service}"
    # (mosquitto_ctrl warns about a plain connection: run this against the broker's loopback listener only,
    # e.g. docker compose exec mosquitto ..., or pass --cafile for the TLS listener)
    ctl() { mosquitto_ctrl -u admin -P "$MQTT_DYNSEC_ADMIN_PASSWORD" "$@" >/dev/null 2>&1 || { echo "dynsec-init: mosquitto_ctrl $* failed" >&2; return 1; }; }
    conn=("$@")
    ctl "${conn[@]}" dynsec createRole maskgate-service
    # the service lines of deploy/mosquitto/acl: 'read' is a subscription (received messages are allowed by the
    # plugin's default), 'write' a publication; decisions come through a shared subscription
    for t in maskgate/v1/units/+/decision maskgate/v1/units/+/status maskgate/v1/units/+/frame \
             maskgate/v1/units/+/ota-fetch maskgate/v1/units/+/ota-report maskgate/v1/doors/+/ack \
             maskgate/v1/service/sequences '$share/+/maskgate/v1/units/+/decision'; do
      ctl "${conn[@]}" dynsec addRoleACL maskgate-service subscribePattern "$t" allow
    done
    for t in maskgate/v1/units/+/ota maskgate/v1/units/+/ota-chunk maskgate/v1/doors/+/command \
             maskgate/v1/service/sequences; do
      ctl "${conn[@]}" dynsec addRoleACL maskgate-service publishClientSend "$t" allow
    done
    ctl "${conn[@]}" dynsec createRole maskgate-dynsec
    ctl "${conn[@]}" dynsec addRoleACL maskgate-dynsec publishClientSend '$CONTROL/dynamic-security/v1' allow
    ctl "${conn[@]}" dynsec addRoleACL maskgate-dynsec subscribeLiteral '$CONTROL/dynamic-security/v1/response' allow
    # the plugin's default 'receive allowed' does not cover $CONTROL topics
    ctl "${conn[@]}" dynsec addRoleACL maskgate-dynsec publishClientReceive '$CONTROL/dynamic-security/v1/response' allow
    # createClient without -p asks for the password on the terminal; with -p it is visible to ps only here,
    # for the moment of this call
    ctl "${conn[@]}" dynsec createClient "$user" -p "$MASKGATE_MQTT_PASSWORD"
    ctl "${conn[@]}" dynsec addClientRole "$user" maskgate-service
    ctl "${conn[@]}" dynsec addClientRole "$user" maskgate-dynsec
    echo "dynsec-init: broker client '$user' created with roles maskgate-service and maskgate-dynsec"
    ;;
  *) sed -n '2,14p' "$0"; exit 2 ;;
esac
