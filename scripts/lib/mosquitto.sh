# shellcheck shell=bash
# Ensures Debian's MQTT broker (mosquitto) and publisher (mosquitto_pub, package
# mosquitto-clients): the tests run the integration against them, the benchmark
# compares with them. As root, missing packages are installed with apt-get;
# otherwise the message names what to install. Messages go to stderr.

# program:where Debian puts it:its package
MOSQUITTO_PROGRAMS=(
    mosquitto:/usr/sbin/mosquitto:mosquitto
    mosquitto_pub:/usr/bin/mosquitto_pub:mosquitto-clients
)

missing_mosquitto_packages() {
    local entry program path package missing=()
    for entry in "${MOSQUITTO_PROGRAMS[@]}"; do
        IFS=: read -r program path package <<<"$entry"
        command -v "$program" >/dev/null || [ -x "$path" ] || missing+=("$package")
    done
    echo "${missing[*]}"
}

ensure_mosquitto() {
    local missing
    missing=$(missing_mosquitto_packages)
    [ -z "$missing" ] && return 0
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        echo ">>> Installing Debian's $missing (MQTT broker and publisher)" >&2
        # shellcheck disable=SC2086 # one word per package
        apt-get update -qq >&2 \
            && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
                $missing >/dev/null \
            && return 0
    fi
    echo "The tests and the benchmark need Debian's $missing (mosquitto is the MQTT" \
        "broker, mosquitto-clients has mosquitto_pub). As root:" \
        "apt-get update && apt-get install $missing" >&2
    return 1
}
