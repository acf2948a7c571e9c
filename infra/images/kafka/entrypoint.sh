#!/bin/sh
# Formats the log directory once (a restart keeps the topics), then runs the broker in the foreground, so
# that SIGTERM reaches it and it stops cleanly.
set -e
host=${KAFKA_ADVERTISED_HOST:-kafka}
# a cluster id is 16 bytes in URL-safe base64; fixed per installation unless given
cluster=${KAFKA_CLUSTER_ID:-bnViaWN1c3Rvcy1rYWZrYQ}
sed "s/@ADVERTISED_HOST@/$host/" /opt/kafka/server.properties > /tmp/server.properties
java -cp '/opt/kafka/libs/*' kafka.tools.StorageTool format -t "$cluster" -c /tmp/server.properties --ignore-formatted
exec java ${KAFKA_HEAP_OPTS:--Xmx512m} -Dlog4j2.configurationFile=/opt/kafka/log4j2.properties -cp '/opt/kafka/libs/*' \
  kafka.Kafka /tmp/server.properties
