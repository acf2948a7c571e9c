package io.nubicustos.standalone;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Container;
import io.nubicustos.testsupport.DockerClients;
import io.nubicustos.testsupport.Samples;
import io.nubicustos.testsupport.StandInImage;

import java.util.List;
import java.util.Map;

/** The catalog's images, as stand-ins that write the real samples. */
final class StandInTools {

    static final DockerClient DOCKER = DockerClients.local();

    private StandInTools() {
    }

    /** Prowler 4.2.1's real json-ocsf report (3 FAIL findings, all muted), exit 3. */
    static void prowler421(int seconds) {
        StandInImage.forTool("prowler").runsFor(seconds)
                .writes("prowler-output-123456789012-20240603141519.ocsf.json", Samples.file("prowler/prowler421_aws_many_vuln_muted.ocsf.json"))
                .exitsWith(3).buildWith(DOCKER);
    }

    /** Prowler 3.3.0's real ASFF report (290 results, critical ones among its failures), exit 3. */
    static void prowler330Asff() {
        StandInImage.forTool("prowler")
                .writes("prowler-output-123456789012.asff.json", Samples.file("prowler/prowler330_output.asff.json"))
                .exitsWith(3).buildWith(DOCKER);
    }

    /** Prowler's 5.x example json-ocsf report (FAIL: 1 medium, 1 low; MANUAL: 3), exit 3. */
    static void prowler5() {
        StandInImage.forTool("prowler")
                .writes("prowler-output-123456789012-20250101000000.ocsf.json", Samples.file("prowler/prowler5_example_output_aws.ocsf.json"))
                .exitsWith(3).buildWith(DOCKER);
    }

    /** The other six tools of the comprehensive profile; {@code cloudsploitExit} lets one of them fail. */
    static void comprehensiveRest(int cloudsploitExit) {
        StandInImage.forTool("scoutsuite")
                .writes("scoutsuite-results/scoutsuite_results_aws-430150006394.js", Samples.file("scoutsuite/scoutsuite_results_aws-430150006394.js"))
                .exitsWith(0).buildWith(DOCKER);
        StandInImage.forTool("cloudfox").exitsWith(0).buildWith(DOCKER);
        StandInImage.forTool("cloudsploit").writes("cloudsploit-results.json", Samples.file("cloudsploit/cloudsploit_many_vul.json"))
                .complainsOnStderr("plugin flowLogsEnabled: AccessDenied on ec2:DescribeFlowLogs").exitsWith(cloudsploitExit).buildWith(DOCKER);
        StandInImage.forTool("cloud-custodian")
                .writes("ec2-running-instances/resources.json", Samples.file("custodian/ec2-running-instances/resources.json"))
                .exitsWith(0).buildWith(DOCKER);
        StandInImage.forTool("cloudmapper").reportPath("/opt/cloudmapper/account-data").exitsWith(0).buildWith(DOCKER);
        StandInImage.forTool("cartography").exitsWith(0).buildWith(DOCKER);
    }

    /**
     * Removes every managed container on the engine. A test class that ran a system of its own and closed it while a
     * tool ran leaves that container (a stopped worker never kills its tools); a test that counts containers starts
     * from none. Only between systems: a live system's containers would be taken from under it.
     */
    static void removeLeftovers() {
        managedContainers().forEach(c -> DOCKER.removeContainerCmd(c.getId()).withForce(true).exec());
    }

    static List<Container> managedContainers() {
        return DOCKER.listContainersCmd().withShowAll(true).withLabelFilter(Map.of("io.nubicustos.managed", "true")).exec();
    }
}
