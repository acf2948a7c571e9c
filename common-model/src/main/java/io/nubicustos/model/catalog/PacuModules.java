package io.nubicustos.model.catalog;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Pacu is an exploitation framework: most of its modules change the account (attach policies, create users, roles,
 * keys, Lambda functions). A scanning product runs only modules that read. A catalog (built-in or an operator's)
 * whose Pacu step names any other module is refused at start-up, and {@code iam__privesc_scan} only with
 * {@code --scan-only}: without it, the module attaches AdministratorAccess to the scanning user when it can
 * (RhinoSecurityLabs/pacu v1.7.0, pacu/modules/iam__privesc_scan/main.py:2011).
 *
 * <p>The list is the ENUM and RECON_UNAUTH modules of Pacu 1.7.0 (commit 65164930718c8c2fe7461dcaaf8de7f8d209178b)
 * whose calls are all reads, module by module, as its fact sheet ({@code tool-facts/pacu.yaml}, {@code read_only_modules})
 * records with the line of each; a test holds this list to the sheet. Left out for the writes they make:
 * iam__enum_roles (CreateRole, UpdateAssumeRolePolicy), iam__enum_users (UpdateAssumeRolePolicy),
 * iam__detect_honeytokens (SNS Publish), iam__get_credential_report (GenerateCredentialReport), cognito__enum (GetId
 * creates identities), inspector__get_reports (GetAssessmentReport produces a report).
 */
public final class PacuModules {

    public static final String REPORT_FORMAT = "pacu-session";

    public static final Set<String> READ_ONLY = Set.of(
            "acm__enum", "apigateway__enum", "aws__enum_account", "aws__enum_spend", "cloudformation__download_data",
            "codebuild__enum", "ds__enum", "dynamodb__enum", "ebs__enum_snapshots_unauth", "ebs__enum_volumes_snapshots",
            "ec2__check_termination_protection", "ec2__download_userdata", "ec2__enum", "ecr__enum", "ecs__enum",
            "ecs__enum_task_def", "eks__enum", "elasticbeanstalk__enum", "glue__enum", "guardduty__list_accounts",
            "guardduty__list_findings", "iam__bruteforce_permissions", "iam__decode_accesskey_id", "iam__enum_action_query",
            "iam__enum_permissions", "iam__enum_users_roles_policies_groups", "lambda__enum", "lightsail__enum", "mq__enum",
            "organizations__enum", "rds__enum", "rds__enum_snapshots", "route53__enum", "secrets__enum", "sns__enum",
            "systemsmanager__download_parameters", "transfer_family__enum");

    /** A module that writes unless told to only look, and the argument that tells it. */
    public static final String PRIVESC_SCAN = "iam__privesc_scan";
    public static final String SCAN_ONLY = "--scan-only";

    private PacuModules() {
    }

    /** What is unsafe in a Pacu argument list; empty when it runs only modules that read. */
    public static List<String> unsafe(List<String> argv) {
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < argv.size(); i++) {
            String token = argv.get(i);
            String module = null;
            if (token.equals("--module-name") && i + 1 < argv.size()) {
                module = argv.get(i + 1);
            } else if (token.startsWith("--module-name=")) {
                module = token.substring("--module-name=".length());
            }
            if (module == null) {
                continue;
            }
            if (module.equals(PRIVESC_SCAN)) {
                if (!moduleArgs(argv).contains(SCAN_ONLY)) {
                    problems.add("Pacu module " + PRIVESC_SCAN + " runs only with --module-args=" + SCAN_ONLY
                            + " (without it, it attaches AdministratorAccess to the scanning user when it can)");
                }
            } else if (!READ_ONLY.contains(module)) {
                problems.add("Pacu module '" + module + "' is not one of the modules that only read (" + String.join(", ",
                        READ_ONLY.stream().sorted().toList()) + ")");
            }
        }
        return problems;
    }

    /** The words of {@code --module-args} (one string, split on spaces by Pacu: pacu/main.py:1884 at v1.7.0). */
    private static List<String> moduleArgs(List<String> argv) {
        List<String> words = new ArrayList<>();
        for (int i = 0; i < argv.size(); i++) {
            String token = argv.get(i);
            String value = token.startsWith("--module-args=") ? token.substring("--module-args=".length())
                    : token.equals("--module-args") && i + 1 < argv.size() ? argv.get(i + 1) : null;
            if (value != null) {
                words.addAll(List.of(value.trim().split("\\s+")));
            }
        }
        return words;
    }
}
