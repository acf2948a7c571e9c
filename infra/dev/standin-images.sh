#!/usr/bin/env bash
# Builds stand-in scanner images for trying Nubicustos on a machine that cannot pull the real ones.
# Each image is FROM scratch with a static busybox: it prints its arguments, waits a few seconds,
# writes a REAL report from ../shared/samples into the tool's report path, and exits with the tool's
# real exit code. It never carries a real tool's image name: each is named as infra/dev/standin-catalog.yaml
# says (nubicustos-standin/<tool>:<version>) and labelled io.nubicustos.standin=true, so an engine that ran them
# can never report their sample findings as a real tool's. Run the system with that overlay to use them:
#
#   infra/dev/standin-images.sh [samples-dir]     (needs docker and /bin/busybox from busybox-static)
#   NUBICUSTOS_CATALOG_OVERLAY=infra/dev/standin-catalog.yaml NUBICUSTOS_ALLOW_STANDINS=true <the README's first command>
#
# Override per image: STANDIN_SLEEP (seconds, default 5), PROWLER_EXIT (default 3), PROWLER_REPORT=asff (Prowler 3.3's
# ASFF report instead of the 5.x example: the AWS environment ScoutSuite's sample saw, so the two tools meet; README,
# "Findings confirmed across tools").
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
samples=${1:-$here/../shared/samples}
sleep_s=${STANDIN_SLEEP:-5}
[ -d "$samples" ] || { echo "samples not found at $samples" >&2; exit 1; }
[ -x /bin/busybox ] || { echo "/bin/busybox missing: apt-get install -y busybox-static" >&2; exit 1; }

# build TAG EXIT REPORT_PATH [SRC:DEST]...
build() {
  local tag=$1 code=$2 report_path=$3; shift 3
  case "$tag" in nubicustos-standin/*) ;; *) echo "refusing to tag a stand-in '$tag': not a nubicustos-standin/ name" >&2; exit 1;; esac
  local ctx; ctx=$(mktemp -d)
  mkdir -p "$ctx/standin"
  cp /bin/busybox "$ctx/busybox"
  {
    echo 'B=/bin/busybox'
    echo "\$B echo \"stand-in $tag started with: \$*\""
    echo "\$B sleep $sleep_s"
    echo "\$B mkdir -p '$report_path'"
    local i=0
    for pair in "$@"; do
      local src=${pair%%:*} dest=${pair#*:}
      cp "$samples/$src" "$ctx/standin/f$i"
      echo "\$B mkdir -p \"\$(\$B dirname '$report_path/$dest')\""
      echo "\$B cp /standin/f$i '$report_path/$dest'"
      i=$((i+1))
    done
    echo "\$B echo \"stand-in $tag exiting with $code\""
    echo "exit $code"
  } > "$ctx/standin/entry.sh"
  printf 'FROM scratch\nCOPY busybox /bin/busybox\nCOPY standin /standin\nLABEL io.nubicustos.standin="true"\nENTRYPOINT ["/bin/busybox", "sh", "/standin/entry.sh"]\n' > "$ctx/Dockerfile"
  DOCKER_BUILDKIT=0 docker build -q -t "$tag" "$ctx" >/dev/null 2>&1 || { echo "docker build of $tag failed" >&2; exit 1; }
  rm -rf "$ctx"
  echo "built $tag"
}

overlay=$here/infra/dev/standin-catalog.yaml
# the stand-in's name for a tool, from the overlay (one "  tool: {image: "name"}" line each)
image() { sed -n "s/^  $1: {image: \"\\(nubicustos-standin\/[^\"]*\\)\"}.*/\\1/p" "$overlay"; }

if [ "${PROWLER_REPORT:-}" = asff ]; then
  build "$(image prowler)" "${PROWLER_EXIT:-3}" /reports "prowler/prowler330_output.asff.json:prowler-output-123456789012.asff.json"
else
  build "$(image prowler)" "${PROWLER_EXIT:-3}" /reports \
    "prowler/prowler5_example_output_aws.ocsf.json:prowler-output-123456789012-20250101000000.ocsf.json"
fi
build "$(image scoutsuite)" 0 /reports \
  "scoutsuite/scoutsuite_results_aws-430150006394.js:scoutsuite-results/scoutsuite_results_aws-430150006394.js"
build "$(image cloudfox)" 0 /reports
build "$(image cloudsploit)" 0 /reports "cloudsploit/cloudsploit_many_vul.json:cloudsploit-results.json"
build "$(image cloud-custodian)" 0 /reports \
  "custodian/ec2-running-instances/resources.json:ec2-running-instances/resources.json"
build "$(image cloudmapper)" 0 /opt/cloudmapper/account-data
build "$(image cartography)" 0 /reports
build "$(image pacu)" 0 /root/.local/share/pacu
build "$(image enumerate-iam)" 0 /reports
build "$(image kubescape)" 0 /reports "kubescape/kubescape_v3.0.3_with_a_failure.json:kubescape-results.json"
# the bring-your-own profile's two tools (infra/dev/standin-byo-catalog.yaml), with the real reports kept in this
# repository (byo-samples/SOURCES.md)
samples=$here/infra/test-support/src/main/resources/byo-samples
build "nubicustos-standin/checkov:3.3.13" 1 /reports "checkov/checkov-3.2.91-terraform-azure-results.sarif:results_sarif.sarif"
build "nubicustos-standin/prowler-azure:5.39.1" 3 /reports \
  "prowler/prowler-example-output-azure.ocsf.json:prowler-output-contoso.onmicrosoft.com-20250214000000.ocsf.json"
echo "start the system with NUBICUSTOS_CATALOG_OVERLAY=$overlay NUBICUSTOS_ALLOW_STANDINS=true to run them"
