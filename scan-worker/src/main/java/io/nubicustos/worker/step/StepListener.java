package io.nubicustos.worker.step;

import io.nubicustos.model.messaging.StepCommand;
import io.nubicustos.model.messaging.Topics;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.ObjectMapper;


/**
 * Thin and idempotent: a step command is a wake-up. The listener validates the record and wakes the
 * claimer, which claims whatever is next within this worker's free slots and the fleet's caps; the poll
 * loop never waits for a claim or a container. A record for a step that is no longer queued (a duplicate, a
 * replay, a cancelled scan) claims nothing; a record that arrives while this worker is full leaves
 * the step queued for whichever worker frees a slot first.
 */
@Component
class StepListener {


    private final QueuedStepPoller poller;
    private final ObjectMapper json;

    StepListener(QueuedStepPoller poller, ObjectMapper json) {
        this.poller = poller;
        this.json = json;
    }

    @KafkaListener(id = "tool-step-worker", topics = Topics.TOOL_STEPS, groupId = "nubicustos-scan-workers",
            containerFactory = "stepContainerFactory")
    void onStep(String record) {
        StepCommand command;
        try {
            command = json.readValue(record, StepCommand.class);
        } catch (JacksonException e) {
            throw new IllegalArgumentException("not a step command: " + e.getOriginalMessage(), e);
        }
        if (command == null || command.stepId() == null) {
            throw new IllegalArgumentException("tool-steps record without step_id");
        }
        // why: the claim happens on the claimer's thread; the poll loop only says there may be work
        poller.wake();
    }
}
