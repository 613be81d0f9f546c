#!/usr/bin/env bash
# A backup of the portal that restores (deploy/restore.sh): the database as pg_dump's custom
# format and the uploaded files (MEDIA_ROOT) as a tar, with their SHA-256 sums, in a new folder
# DEST/sli-portal-<UTC time>/. Everything is written readable by its owner alone (umask 077):
# a backup holds every user's data.
#
#   sudo -u sli-portal deploy/backup.sh --env-file /etc/sli-portal/env /var/backups/sli-portal
#
# DATABASE_URL and MEDIA_ROOT come from the environment or from --env-file. --no-media leaves the
# files out. With AWS_STORAGE_BUCKET_NAME set the files are in that bucket, not in MEDIA_ROOT:
# they are left out too, and backup-info.txt says so. This script does not copy a bucket; its
# own versioning or replication keeps the files (deploy/README.md, Backups).
# The database is dumped first, then the files: a file uploaded in between is in the tar without
# a row, never a row without its file. Prints the folder's path.
# shellcheck source-path=SCRIPTDIR
set -euo pipefail
umask 077
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=pg-env.sh
. "$here/pg-env.sh"

usage() { echo "usage: $0 [--env-file FILE] [--no-media] DEST_DIR" >&2; exit 2; }
media=yes
dest=""
while [ $# -gt 0 ]; do
  case "$1" in
    --env-file) [ $# -ge 2 ] || usage; load_env_file "$2"; shift 2 ;;
    --no-media) media=no; shift ;;
    -h|--help) usage ;;
    -*) usage ;;
    *) [ -z "$dest" ] || usage; dest=$1; shift ;;
  esac
done
[ -n "$dest" ] || usage
: "${DATABASE_URL:?DATABASE_URL is not set: give --env-file /etc/sli-portal/env}"
bucket=${AWS_STORAGE_BUCKET_NAME:-}
if [ -n "$bucket" ] && [ "$media" = yes ]; then
  echo "The files are in the bucket $bucket, not in MEDIA_ROOT: this backup holds the database only." >&2
  echo "Keep the files with the bucket's own versioning or replication." >&2
  media=no
fi
if [ "$media" = yes ]; then
  : "${MEDIA_ROOT:?MEDIA_ROOT is not set: give --env-file /etc/sli-portal/env, or --no-media}"
  [ -d "$MEDIA_ROOT" ] || { echo "MEDIA_ROOT $MEDIA_ROOT is not a folder" >&2; exit 2; }
fi
pg_env_from_url "$DATABASE_URL"

mkdir -p "$dest"
name="sli-portal-$(date -u +%Y%m%dT%H%M%SZ)"
# Built under a hidden name and renamed when complete: a folder with the final name is whole.
partial="$dest/.$name.partial"
mkdir "$partial"
trap 'rm -rf "$partial"' EXIT

pg_dump --format=custom --file="$partial/database.dump"
files=(database.dump)
if [ "$media" = yes ]; then
  tar --create --gzip --file="$partial/media.tar.gz" --directory="$MEDIA_ROOT" .
  files+=(media.tar.gz)
fi
{
  echo "created: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "host: $(hostname)"
  echo "database: ${PGDATABASE} on ${PGHOST:-local socket}:${PGPORT:-5432}"
  echo "pg_dump: $(pg_dump --version)"
  if [ "$media" = yes ]; then
    echo "media: $MEDIA_ROOT ($(find "$MEDIA_ROOT" -type f | wc -l) files)"
  elif [ -n "$bucket" ]; then
    echo "media: not included: in the bucket $bucket${AWS_S3_ENDPOINT_URL:+ at $AWS_S3_ENDPOINT_URL} (its versioning or replication keeps them)"
  else
    echo "media: not included (--no-media)"
  fi
} > "$partial/backup-info.txt"
files+=(backup-info.txt)
(cd "$partial" && sha256sum "${files[@]}" > SHA256SUMS)

mv "$partial" "$dest/$name"
trap - EXIT
echo "$dest/$name"
