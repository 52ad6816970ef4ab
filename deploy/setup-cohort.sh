#!/usr/bin/env bash
# Set up, or bring up to date, one compass cohort on a Debian machine, as root:
#
#   deploy/setup-cohort.sh ROSTER
#
# ROSTER has one person a line, "learner NAME" or "tutor NAME" (# starts a comment).
# The script makes what is missing and resets the permissions it is responsible for;
# it never changes a password it did not set, nor a file in anyone's home, so it is
# safe to run again, for example after adding learners to the roster.
#
#  - Unix groups compass-learners and compass-tutors; an account for each person,
#    home 0700 (a learner cannot read another's notebooks), in their group. A new
#    account gets a random password, written to $COMPASS_PASSWORD_FILE (root only)
#    for you to hand out.
#  - The grader account, compass-grader: no password, no hub login; its home (0700)
#    holds the nbgrader course directory, a copy of the repository's workbook/.
#  - nbgrader's exchange, with permissions that keep submissions private:
#      exchange/                 root        1777  anyone may enter (nbgrader checks this)
#      exchange/compass/         grader      0755
#        outbound/               grader      0755  learners fetch releases
#        inbound/                grader     2733  learners hand in, but cannot list;
#                                                 submissions take the grader's group
#        feedback/               grader      0711  learners fetch their own by its hashed name
#  - /etc/compass/hub.env, the settings the hub reads (only if it does not exist yet).
#
# Every path and name can be changed with the environment variables below.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
: "${COMPASS_REPO:=$(dirname "$HERE")}"
: "${COMPASS_LEARNERS_GROUP:=compass-learners}"
: "${COMPASS_TUTORS_GROUP:=compass-tutors}"
: "${COMPASS_GRADER_USER:=compass-grader}"
: "${COMPASS_GRADER_HOME:=/srv/nbgrader/compass-grader}"
: "${COMPASS_EXCHANGE:=/srv/nbgrader/exchange}"
: "${COMPASS_HOME_BASE:=/home}"
: "${COMPASS_HUB_STATE:=/srv/jupyterhub}"
: "${COMPASS_PASSWORD_FILE:=/root/compass-new-passwords.txt}"
: "${COMPASS_HUB_ENV_FILE:=/etc/compass/hub.env}"
COURSE_ID=compass

say() { printf 'setup-cohort: %s\n' "$*"; }
die() { printf 'setup-cohort: %s\n' "$*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || die "run me as root (I create accounts and set permissions)"
[ $# = 1 ] && [ -r "$1" ] || die "usage: $0 ROSTER   (lines: 'learner NAME' or 'tutor NAME')"
ROSTER="$1"
for tool in useradd groupadd usermod chpasswd runuser; do
    command -v "$tool" >/dev/null || die "$tool is missing (Debian package passwd or util-linux)"
done
[ -d "$COMPASS_REPO/workbook/source" ] || die "no workbook/source in $COMPASS_REPO"

# Set owner, group and mode of a folder, making it if needed.
folder() {  # folder PATH OWNER GROUP MODE
    mkdir -p "$1"
    chown "$2:$3" "$1"
    chmod "$4" "$1"
}

# --- groups --------------------------------------------------------------------------------
for group in "$COMPASS_LEARNERS_GROUP" "$COMPASS_TUTORS_GROUP"; do
    if ! getent group "$group" >/dev/null; then
        groupadd "$group"
        say "created group $group"
    fi
done

# --- people --------------------------------------------------------------------------------
umask 022
(umask 077 && touch "$COMPASS_PASSWORD_FILE")
chmod 600 "$COMPASS_PASSWORD_FILE"
mkdir -p "$COMPASS_HOME_BASE"

new_password() {
    # 16 letters and digits from the kernel's random source.
    tr -dc 'A-Za-z0-9' </dev/urandom | head -c 16 || true
}

while read -r role name rest; do
    case "$role" in ''|'#'*) continue ;; esac
    [ -z "${rest:-}" ] || die "$ROSTER: expected 'ROLE NAME', got '$role $name $rest'"
    case "$role" in
        learner) group="$COMPASS_LEARNERS_GROUP" ;;
        tutor) group="$COMPASS_TUTORS_GROUP" ;;
        *) die "$ROSTER: unknown role '$role' (learner or tutor)" ;;
    esac
    [[ "$name" =~ ^[a-z_][a-z0-9_-]{0,30}$ ]] || die "$ROSTER: '$name' is not a valid user name"
    if ! getent passwd "$name" >/dev/null; then
        useradd --create-home --home-dir "$COMPASS_HOME_BASE/$name" --user-group \
            --shell /bin/bash "$name"
        password="$(new_password)"
        printf '%s:%s\n' "$name" "$password" | chpasswd
        printf '%s %s\n' "$name" "$password" >>"$COMPASS_PASSWORD_FILE"
        say "created $role $name (password in $COMPASS_PASSWORD_FILE)"
    fi
    id -nG "$name" | tr ' ' '\n' | grep -qx "$group" || usermod -aG "$group" "$name"
    home="$(getent passwd "$name" | cut -d: -f6)"
    [ -d "$home" ] && chmod 700 "$home"
done <"$ROSTER"

# --- the grader and the course directory -------------------------------------------------------
grader="$COMPASS_GRADER_USER"
if ! getent passwd "$grader" >/dev/null; then
    # A system account with a shell (the formgrader's terminal uses it) and no password.
    useradd --system --user-group --create-home --home-dir "$COMPASS_GRADER_HOME" \
        --shell /bin/bash "$grader"
    say "created grader account $grader"
fi
folder "$COMPASS_GRADER_HOME" "$grader" "$grader" 700
# Add what is missing from the workbook; the grader's own edits and gradebook stay.
# (The home is 0700: learners must never read the source notebooks, which hold the
# solutions and hidden tests.)
runuser -u "$grader" -- mkdir -p "$COMPASS_GRADER_HOME/workbook"
runuser -u "$grader" -- cp -R --no-clobber \
    "$COMPASS_REPO/workbook/nbgrader_config.py" "$COMPASS_REPO/workbook/source" \
    "$COMPASS_GRADER_HOME/workbook/"

# --- the exchange ----------------------------------------------------------------------------
folder "$COMPASS_EXCHANGE" root root 1777
folder "$COMPASS_EXCHANGE/$COURSE_ID" "$grader" "$grader" 755
folder "$COMPASS_EXCHANGE/$COURSE_ID/outbound" "$grader" "$grader" 755
folder "$COMPASS_EXCHANGE/$COURSE_ID/inbound" "$grader" "$grader" 2733
folder "$COMPASS_EXCHANGE/$COURSE_ID/feedback" "$grader" "$grader" 711

# --- the hub's own state and settings ------------------------------------------------------------
folder "$COMPASS_HUB_STATE" root root 700
if [ ! -e "$COMPASS_HUB_ENV_FILE" ]; then
    mkdir -p "$(dirname "$COMPASS_HUB_ENV_FILE")"
    cat >"$COMPASS_HUB_ENV_FILE" <<EOF
# Settings for deploy/jupyterhub_config.py (see deploy/README.md), written by setup-cohort.sh.
COMPASS_REPO=$COMPASS_REPO
COMPASS_HUB_STATE=$COMPASS_HUB_STATE
COMPASS_EXCHANGE=$COMPASS_EXCHANGE
COMPASS_LEARNERS_GROUP=$COMPASS_LEARNERS_GROUP
COMPASS_TUTORS_GROUP=$COMPASS_TUTORS_GROUP
COMPASS_GRADER_USER=$COMPASS_GRADER_USER
COMPASS_GRADER_HOME=$COMPASS_GRADER_HOME
EOF
    chmod 644 "$COMPASS_HUB_ENV_FILE"
    say "wrote $COMPASS_HUB_ENV_FILE"
fi

say "cohort ready: $(getent group "$COMPASS_LEARNERS_GROUP" | cut -d: -f4 | tr ',' ' ' | wc -w) learners," \
    "$(getent group "$COMPASS_TUTORS_GROUP" | cut -d: -f4 | tr ',' ' ' | wc -w) tutors." \
    "Restart the hub if you added anyone."
