#!/usr/bin/env bash
# Static checks of what an operator installs, run by .ci/run:
# - `nginx -t` on deploy/nginx/sli-portal.conf, included in a throw-away nginx.conf the way
#   Debian's includes sites-enabled/, with a throw-away self-signed certificate in place of the
#   site's (nginx -t opens the certificate files);
# - `systemd-analyze verify` on deploy/*.service and *.timer where systemd-analyze exists (not in every
#   container). It checks that ExecStart's programs exist, so the units are verified with
#   /opt/sli-portal replaced by this checkout, whose .venv holds gunicorn and celery (or
#   SLI_PORTAL_VENV, a virtualenv elsewhere).
# Nothing is written into the checkout.
set -euo pipefail
cd "$(dirname "$0")/.."
checkout=$(pwd)
venv=${SLI_PORTAL_VENV:-$checkout/.venv}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "nginx -t on deploy/nginx/sli-portal.conf"
command -v nginx >/dev/null || { echo "nginx is not installed (apt-get install nginx)" >&2; exit 1; }
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=localhost \
  -keyout "$work/test.key" -out "$work/test.crt" 2>/dev/null
sed -e "s#/etc/ssl/certs/sli-portal.crt#$work/test.crt#" \
    -e "s#/etc/ssl/private/sli-portal.key#$work/test.key#" \
    deploy/nginx/sli-portal.conf > "$work/sli-portal.conf"
# The site's own certificate paths are the ones replaced; fail if the site stopped using them.
grep -q "$work/test.crt" "$work/sli-portal.conf"
grep -q "$work/test.key" "$work/sli-portal.conf"
cat > "$work/nginx.conf" <<EOF
pid $work/nginx.pid;
error_log $work/error.log;
events {}
http {
    include /etc/nginx/mime.types;
    access_log off;
    client_body_temp_path $work/client_body;
    proxy_temp_path $work/proxy;
    fastcgi_temp_path $work/fastcgi;
    uwsgi_temp_path $work/uwsgi;
    scgi_temp_path $work/scgi;
    include $work/sli-portal.conf;
}
EOF
nginx -t -q -p "$work" -c "$work/nginx.conf"
echo "nginx -t: ok"

if command -v systemd-analyze >/dev/null; then
  echo "systemd-analyze verify deploy/*.service deploy/*.timer"
  for unit in deploy/*.service deploy/*.timer; do
    sed -e "s#/opt/sli-portal/.venv#$venv#g" -e "s#/opt/sli-portal#$checkout#g" "$unit" > "$work/$(basename "$unit")"
  done
  # verify reports unknown keys and bad values as warnings with a zero exit: any output fails.
  out=$(systemd-analyze verify --man=no "$work"/*.service "$work"/*.timer 2>&1) || { echo "$out" >&2; exit 1; }
  if [ -n "$out" ]; then echo "$out" >&2; exit 1; fi
  echo "systemd-analyze verify: ok"
else
  echo "systemd-analyze verify: skipped (systemd-analyze is not installed here)"
fi
