#!/usr/bin/env bash
# Restores a backup made by deploy/backup.sh: checks its SHA-256 sums, restores the database
# into DATABASE_URL with pg_restore and unpacks the files into MEDIA_ROOT.
#
#   sudo -u sli-portal deploy/restore.sh --env-file /etc/sli-portal/env /var/backups/sli-portal/sli-portal-<time>
#
# DATABASE_URL and MEDIA_ROOT come from the environment or from --env-file; the database must
# exist (createdb) and the user own it. A database that holds tables, or a MEDIA_ROOT that holds
# files, is refused unless --force: then the backup's tables replace theirs (pg_restore --clean)
# and its files are written over theirs. The restore is one transaction: if it fails, the
# database is as it was. Stop the portal's units first; run `manage.py migrate` afterwards when
# the code is newer than the backup. With AWS_STORAGE_BUCKET_NAME set the portal's files are in
# that bucket: only --no-media restores (the database); the files come back from the bucket's
# versions, or a backup's media.tar.gz is copied into the bucket by hand.
# shellcheck source-path=SCRIPTDIR
set -euo pipefail
umask 077
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=pg-env.sh
. "$here/pg-env.sh"

usage() { echo "usage: $0 [--env-file FILE] [--force] [--no-media] BACKUP_DIR" >&2; exit 2; }
force=no
media=yes
backup=""
while [ $# -gt 0 ]; do
  case "$1" in
    --env-file) [ $# -ge 2 ] || usage; load_env_file "$2"; shift 2 ;;
    --force) force=yes; shift ;;
    --no-media) media=no; shift ;;
    -h|--help) usage ;;
    -*) usage ;;
    *) [ -z "$backup" ] || usage; backup=$1; shift ;;
  esac
done
[ -n "$backup" ] || usage
[ -f "$backup/SHA256SUMS" ] || { echo "$backup is not a backup made by backup.sh (no SHA256SUMS)" >&2; exit 2; }
: "${DATABASE_URL:?DATABASE_URL is not set: give --env-file /etc/sli-portal/env}"
pg_env_from_url "$DATABASE_URL"
if [ "$media" = yes ] && [ -n "${AWS_STORAGE_BUCKET_NAME:-}" ]; then
  echo "The portal keeps its files in the bucket $AWS_STORAGE_BUCKET_NAME, not in MEDIA_ROOT: restore the database with --no-media, and the files from the bucket's versions" >&2
  exit 2
fi
if [ "$media" = yes ]; then
  : "${MEDIA_ROOT:?MEDIA_ROOT is not set: give --env-file /etc/sli-portal/env, or --no-media}"
  [ -f "$backup/media.tar.gz" ] || { echo "$backup has no media.tar.gz: restore with --no-media" >&2; exit 2; }
fi

(cd "$backup" && sha256sum --check --quiet SHA256SUMS) || { echo "$backup is damaged: its SHA-256 sums do not match" >&2; exit 1; }

# Everything is checked before anything is changed.
tables=$(psql --no-psqlrc --quiet --tuples-only --no-align --set=ON_ERROR_STOP=1 --command="
  SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema')
    AND n.nspname NOT LIKE 'pg_toast%'")
if [ "$tables" != 0 ] && [ "$force" != yes ]; then
  echo "Database $PGDATABASE holds $tables tables: restore into an empty database, or add --force to replace them" >&2
  exit 3
fi
if [ "$media" = yes ] && [ -d "$MEDIA_ROOT" ] && [ -n "$(ls -A "$MEDIA_ROOT")" ] && [ "$force" != yes ]; then
  echo "MEDIA_ROOT $MEDIA_ROOT holds files: restore into an empty folder, or add --force to write over them" >&2
  exit 3
fi

# --no-owner and --no-privileges: the tables belong to whoever restores (the portal's database
# user), whatever the roles of the database the backup came from.
pg_restore --clean --if-exists --no-owner --no-privileges --single-transaction --exit-on-error \
  --dbname="$PGDATABASE" "$backup/database.dump"
echo "Database $PGDATABASE restored from $backup/database.dump"

if [ "$media" = yes ]; then
  mkdir -p "$MEDIA_ROOT"
  tar --extract --gzip --file="$backup/media.tar.gz" --directory="$MEDIA_ROOT" --no-same-owner
  echo "Files restored into $MEDIA_ROOT"
fi
