package io.nubicustos.gateway.intake;

import io.nubicustos.gateway.security.AuditLog;
import io.nubicustos.gateway.scan.ScanCreator;
import io.nubicustos.gateway.scan.ScanRequest;
import io.nubicustos.gateway.scan.ScanRequestParser;
import io.nubicustos.gateway.web.ApiException;
import io.nubicustos.model.messaging.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Scan requests from other services. A record is a CloudEvent in structured JSON mode
 * ({@code specversion}, {@code id}, {@code type}, {@code source}, and the REST request body as
 * {@code data}), a CloudEvent in binary mode (the attributes in {@code ce_*} headers and the REST request
 * body as the value, as the CloudEvents Kafka binding says), or the REST request body itself. It creates exactly the scan a REST call would; a
 * redelivered record creates nothing new: see {@link RequestIds}. Values from the record are only
 * ever logged escaped and cut short.
 */
@Component
class ScanRequestListener {

    private static final Logger log = LoggerFactory.getLogger(ScanRequestListener.class);
    static final String EVENT_TYPE = "io.nubicustos.scan.requested";
    static final String CAMPAIGN_TYPE = "io.nubicustos.campaign.requested";

    private final ScanRequestParser parser;
    private final ScanCreator creator;
    private final io.nubicustos.gateway.campaign.CampaignCreator campaigns;
    private final ObjectMapper json;
    private final IntakeSources sources;
    private final AuditLog audit;
    private final java.time.Clock clock;

    ScanRequestListener(ScanRequestParser parser, ScanCreator creator, ObjectMapper json, IntakeSources sources, AuditLog audit,
                        java.time.Clock clock, io.nubicustos.gateway.campaign.CampaignCreator campaigns) {
        this.campaigns = campaigns;
        this.sources = sources;
        this.audit = audit;
        this.clock = clock;
        this.parser = parser;
        this.creator = creator;
        this.json = json;
    }

    @KafkaListener(id = "scan-request-intake", topics = Topics.SCAN_REQUESTS, containerFactory = "scanRequestContainerFactory")
    void onRequest(ConsumerRecord<String, byte[]> record) throws InterruptedException {
        String source = BinaryCloudEvent.of(record.headers()) != null ? BinaryCloudEvent.of(record.headers()).source() : null;
        try {
            accept(record, source);
        } catch (InvalidScanRequest refused) {
            audit.intake(clock.instant(), source == null ? "kafka" : "kafka " + RequestIds.printable(source), record.topic(), 400,
                    json.writeValueAsString(java.util.Map.of("refused", refused.getMessage(), "record",
                            record.topic() + "-" + record.partition() + "@" + record.offset())));
            throw refused;
        }
    }

    private void accept(ConsumerRecord<String, byte[]> record, String binarySource) throws InterruptedException {
        if (binarySource != null) {
            refuseSource(binarySource);
        }
        JsonNode body = readJson(record.value());
        String requestId = RequestIds.ofRecord(record.topic(), record.partition(), record.offset(), record.timestamp());
        String describe = "record " + record.topic() + "-" + record.partition() + "@" + record.offset();
        String requester = "kafka";
        ScanCreator.Requester asker = new ScanCreator.Requester("kafka", record.topic() + "-" + record.partition() + "@" + record.offset());
        BinaryCloudEvent binary = BinaryCloudEvent.of(record.headers());
        // why: a plain record asks for a campaign by naming its accounts, as the REST body of POST /api/campaigns does
        boolean campaign = body.isObject() && !body.has("specversion") && body.has("accounts");
        if (binary != null) {
            if (!EVENT_TYPE.equals(binary.type()) && !CAMPAIGN_TYPE.equals(binary.type())) {
                throw new InvalidScanRequest("CloudEvent type " + RequestIds.printable(binary.type()) + " is not " + EVENT_TYPE + " or " + CAMPAIGN_TYPE);
            }
            campaign = CAMPAIGN_TYPE.equals(binary.type());
            requestId = RequestIds.ofCloudEvent(binary.source(), binary.id());
            describe = "CloudEvent " + RequestIds.printable(binary.source()) + " / " + RequestIds.printable(binary.id());
            requester = "kafka " + RequestIds.printable(binary.source());
            asker = new ScanCreator.Requester(binary.source(), binary.id());
            if (!body.isObject()) {
                throw new InvalidScanRequest("the CloudEvent's data is not a JSON object (expected the REST request body)");
            }
        } else if (body.isObject() && body.has("specversion")) {
            requestId = cloudEventId(body);
            campaign = CAMPAIGN_TYPE.equals(body.get("type").asString());
            refuseSource(body.get("source").asString());
            describe = "CloudEvent " + RequestIds.printable(body.get("source").asString()) + " / " + RequestIds.printable(body.get("id").asString());
            requester = "kafka " + RequestIds.printable(body.get("source").asString());
            asker = new ScanCreator.Requester(body.get("source").asString(), body.get("id").asString());
            body = body.get("data");
            if (body == null || !body.isObject()) {
                throw new InvalidScanRequest("the CloudEvent has no JSON object in 'data' (expected the REST request body)");
            }
        }
        if (binary == null && !describe.startsWith("CloudEvent")) {
            refuseSource(null);
        }
        sources.awaitTurn(requester);
        if (campaign) {
            acceptCampaign(body, requestId, requester, asker, record, describe);
            return;
        }
        ScanRequest request;
        try {
            request = parser.parse(body);
        } catch (ApiException e) {
            throw new InvalidScanRequest((e.field() == null ? "" : "field '" + e.field() + "': ") + e.getMessage());
        }
        if (request.dryRun()) {
            throw new InvalidScanRequest("field 'dry_run': a dry run has no one to answer on a topic; use POST /api/scans");
        }
        ScanCreator.CreatedScan created = creator.create(request, "kafka", requestId, null, requester, asker);
        audit.intake(clock.instant(), requester, record.topic(), created.isNew() ? 202 : 200, json.writeValueAsString(java.util.Map.of(
                "scan_id", created.scanId().toString(), "profile", request.profile().name(), "record",
                record.topic() + "-" + record.partition() + "@" + record.offset())));
        if (created.isNew()) {
            log.info("Scan {} ({}) requested by {}", created.scanId(), request.profile().name(), describe);
        } else {
            log.info("{} was delivered again; scan {} already exists, nothing created", describe, created.scanId());
        }
    }

    /** A campaign request: the body of {@code POST /api/campaigns}; a redelivered one creates nothing new. */
    private void acceptCampaign(JsonNode body, String requestId, String requester, ScanCreator.Requester asker,
                                ConsumerRecord<String, byte[]> record, String describe) {
        io.nubicustos.gateway.campaign.CampaignCreator.Created created;
        try {
            created = campaigns.create(body, "kafka", requestId, requester, asker);
        } catch (ApiException e) {
            throw new InvalidScanRequest((e.field() == null ? "" : "field '" + e.field() + "': ") + e.getMessage());
        }
        audit.intake(clock.instant(), requester, record.topic(), created.isNew() ? 202 : 200, json.writeValueAsString(java.util.Map.of(
                "campaign_id", created.campaignId().toString(), "profile", created.profile(), "scans", created.scans().size(),
                "record", record.topic() + "-" + record.partition() + "@" + record.offset())));
        if (created.isNew()) {
            log.info("Campaign {} ({}, {} accounts) requested by {}", created.campaignId(), created.profile(), created.scans().size(), describe);
        } else {
            log.info("{} was delivered again; campaign {} already exists, nothing created", describe, created.campaignId());
        }
    }

    private void refuseSource(String source) {
        String refusal = sources.refusal(source);
        if (refusal != null) {
            throw new InvalidScanRequest(refusal);
        }
    }

    private JsonNode readJson(byte[] value) {
        if (value == null || value.length == 0) {
            throw new InvalidScanRequest("empty record: expected a JSON scan request or CloudEvent");
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(value)).toString();
        } catch (CharacterCodingException e) {
            throw new InvalidScanRequest("the record is not UTF-8 text");
        }
        try {
            return json.readTree(text);
        } catch (JacksonException e) {
            throw new InvalidScanRequest("malformed JSON: " + e.getOriginalMessage()
                    + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")"));
        }
    }

    private static String cloudEventId(JsonNode event) {
        for (String attribute : new String[] {"id", "source", "type"}) {
            JsonNode value = event.get(attribute);
            if (value == null || !value.isString() || value.asString().isBlank()) {
                throw new InvalidScanRequest("CloudEvent attribute '" + attribute + "' is required");
            }
        }
        if (!EVENT_TYPE.equals(event.get("type").asString()) && !CAMPAIGN_TYPE.equals(event.get("type").asString())) {
            throw new InvalidScanRequest("CloudEvent type " + RequestIds.printable(event.get("type").asString()) + " is not " + EVENT_TYPE
                    + " or " + CAMPAIGN_TYPE);
        }
        return RequestIds.ofCloudEvent(event.get("source").asString(), event.get("id").asString());
    }
}
