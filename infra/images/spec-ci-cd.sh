# The specification's example (../shared/spec/scan-orchestration.md, "For CI/CD
# Integration"), verbatim, with one line added at the end that prints what it saw.
# Trigger quick scan and wait for completion
SCAN_ID=$(curl -s -X POST http://localhost:8000/api/scans \
  -H "Content-Type: application/json" \
  -d '{"profile": "quick"}' | jq -r '.scan_id')

# Poll until complete
while true; do
  STATUS=$(curl -s http://localhost:8000/api/scans/$SCAN_ID/status | jq -r '.status')
  if [ "$STATUS" = "completed" ] || [ "$STATUS" = "failed" ]; then
    break
  fi
  sleep 30
done

# Check for critical findings
CRITICAL=$(curl -s http://localhost:8000/api/scans/$SCAN_ID/status | jq '.findings.critical')
if [ "$CRITICAL" -gt 0 ]; then
  echo "Critical findings detected!"
  exit 1
fi
echo "scan $SCAN_ID: $STATUS, critical=$CRITICAL"
