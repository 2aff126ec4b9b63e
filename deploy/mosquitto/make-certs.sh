#!/usr/bin/env bash
# Makes the TLS material for Mosquitto's TLS listener (deploy/mosquitto/mosquitto.conf, port 8883):
#   ca.crt / ca.key          a private CA (keep ca.key offline; only ca.crt goes to the service, units, actuators)
#   server.crt / server.key  the broker's certificate, signed by the CA, for the given host names / IPs
#   <name>.p12               optional client certificates (PKCS#12, password from MASKGATE_CLIENT_P12_PASSWORD)
#   https.p12                with --https: the service's HTTPS key store (console and API; MASKGATE_HTTPS_KEYSTORE),
#                            a server certificate for the --https names signed by the same CA, PKCS#12 with the
#                            password from MASKGATE_HTTPS_KEYSTORE_PASSWORD (required)
# Private keys are written owner-only and must never be committed (deploy/mosquitto/certs/ is git-ignored).
#
# Usage: deploy/mosquitto/make-certs.sh [--out DIR] [--host NAME]... [--ip ADDR]... [--client NAME]...
#        [--https NAME]... (host names, or IPs, under which browsers and API clients reach the service)
#   defaults: --out deploy/mosquitto/certs --host mosquitto --host localhost --ip 127.0.0.1, 825 days
set -euo pipefail
out="$(dirname "$0")/certs"
hosts=(); ips=(); clients=(); https=(); days=825
while [[ $# -gt 0 ]]; do
  case "$1" in
    --out) out="$2"; shift 2 ;;
    --host) hosts+=("$2"); shift 2 ;;
    --ip) ips+=("$2"); shift 2 ;;
    --client) clients+=("$2"); shift 2 ;;
    --https) https+=("$2"); shift 2 ;;
    --days) days="$2"; shift 2 ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    *) echo "make-certs: unknown option $1" >&2; exit 2 ;;
  esac
done
[[ ${#hosts[@]} -gt 0 ]] || hosts=(mosquitto localhost)
[[ ${#ips[@]} -gt 0 ]] || ips=(127.0.0.1)
command -v openssl >/dev/null || { echo "make-certs: openssl is needed" >&2; exit 1; }
mkdir -p "$out"
umask 077
cd "$out"

if [[ ! -f ca.key ]]; then
  openssl req -x509 -newkey rsa:3072 -nodes -keyout ca.key -out ca.crt -days "$days" -sha256 \
    -subj "/CN=MaskGate MQTT CA" -addext "basicConstraints=critical,CA:TRUE" \
    -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
fi

san=""
for h in "${hosts[@]}"; do san+="DNS:$h,"; done
for i in "${ips[@]}"; do san+="IP:$i,"; done
san="${san%,}"
openssl req -newkey rsa:2048 -nodes -keyout server.key -out server.csr -subj "/CN=${hosts[0]}" 2>/dev/null
printf 'subjectAltName=%s\nextendedKeyUsage=serverAuth\nkeyUsage=critical,digitalSignature,keyEncipherment\n' "$san" > server.ext
openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out server.crt -days "$days" \
  -sha256 -extfile server.ext 2>/dev/null
rm -f server.csr server.ext

for c in "${clients[@]}"; do
  openssl req -newkey rsa:2048 -nodes -keyout "$c.key" -out "$c.csr" -subj "/CN=$c" 2>/dev/null
  printf 'extendedKeyUsage=clientAuth\n' > "$c.ext"
  openssl x509 -req -in "$c.csr" -CA ca.crt -CAkey ca.key -CAcreateserial -out "$c.crt" -days "$days" \
    -sha256 -extfile "$c.ext" 2>/dev/null
  openssl pkcs12 -export -inkey "$c.key" -in "$c.crt" -certfile ca.crt -name "$c" -out "$c.p12" \
    -passout "pass:${MASKGATE_CLIENT_P12_PASSWORD:-changeit}"
  rm -f "$c.csr" "$c.ext"
done
if [[ ${#https[@]} -gt 0 ]]; then
  : "${MASKGATE_HTTPS_KEYSTORE_PASSWORD:?make-certs: set MASKGATE_HTTPS_KEYSTORE_PASSWORD for https.p12}"
  hsan=""
  for h in "${https[@]}"; do
    if [[ "$h" =~ ^[0-9.]+$|: ]]; then hsan+="IP:$h,"; else hsan+="DNS:$h,"; fi
  done
  hsan="${hsan%,}"
  openssl req -newkey rsa:2048 -nodes -keyout https.key -out https.csr -subj "/CN=${https[0]}" 2>/dev/null
  printf 'subjectAltName=%s\nextendedKeyUsage=serverAuth\nkeyUsage=critical,digitalSignature,keyEncipherment\n' \
    "$hsan" > https.ext
  openssl x509 -req -in https.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out https.crt -days "$days" \
    -sha256 -extfile https.ext 2>/dev/null
  openssl pkcs12 -export -inkey https.key -in https.crt -certfile ca.crt -name maskgate-https -out https.p12 \
    -passout env:MASKGATE_HTTPS_KEYSTORE_PASSWORD
  rm -f https.csr https.ext https.key
  echo "make-certs: HTTPS key store https.p12 for ${hsan}"
fi
chmod 644 ca.crt server.crt
# the broker reads server.key as the mosquitto user inside the container
chmod 640 server.key
echo "make-certs: CA and server certificate for ${san} in $(pwd)"
