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
 * creates identities), inspector__get_reports (GetAssessmentReport produces a report). Left out although they only read,
 * because they copy secrets into the step's report, which archives serve: secrets__enum (secret values),
 * systemsmanager__download_parameters (parameter values), ec2__download_userdata (user data).
 */
public final class PacuModules {

    public static final String REPORT_FORMAT = "pacu-session";

    public static final Set<String> READ_ONLY = Set.of(
            "acm__enum", "apigateway__enum", "aws__enum_account", "aws__enum_spend", "cloudformation__download_data",
            "codebuild__enum", "ds__enum", "dynamodb__enum", "ebs__enum_snapshots_unauth", "ebs__enum_volumes_snapshots",
            "ec2__check_termination_protection", "ec2__enum", "ecr__enum", "ecs__enum",
            "ecs__enum_task_def", "eks__enum", "elasticbeanstalk__enum", "glue__enum", "guardduty__list_accounts",
            "guardduty__list_findings", "iam__bruteforce_permissions", "iam__decode_accesskey_id", "iam__enum_action_query",
            "iam__enum_permissions", "iam__enum_users_roles_policies_groups", "lambda__enum", "lightsail__enum", "mq__enum",
            "organizations__enum", "rds__enum", "rds__enum_snapshots", "route53__enum", "sns__enum",
            "transfer_family__enum");

    /** A module that writes unless told to only look, and the argument that tells it. */
    public static final String PRIVESC_SCAN = "iam__privesc_scan";
    public static final String SCAN_ONLY = "--scan-only";

    private PacuModules() {
    }

    /**
     * What is unsafe in a Pacu argument list; empty when it runs only modules that read. Read as Pacu's argparse parser
     * reads it: a long flag may be abbreviated to any prefix no other flag shares ({@code --module-n}), a value may follow
     * {@code =}, and the last {@code --module-args} is the one that counts.
     */
    public static List<String> unsafe(List<String> argv) {
        List<String> problems = new ArrayList<>();
        List<String> modules = new ArrayList<>();
        String moduleArgs = "";
        for (int i = 0; i < argv.size(); i++) {
            String token = argv.get(i);
            int eq = token.indexOf('=');
            String name = token.startsWith("--") && eq > 0 ? token.substring(0, eq) : token;
            String inline = token.startsWith("--") && eq > 0 ? token.substring(eq + 1) : null;
            String flag = flagNamed(name);
            if (flag == null) {
                continue;
            }
            String value = inline != null ? inline : i + 1 < argv.size() ? argv.get(++i) : "";
            if (flag.equals(MODULE_NAME)) {
                modules.add(value);
            } else {
                moduleArgs = value;
            }
        }
        List<String> args = List.of(moduleArgs.trim().split("\\s+"));
        for (String module : modules) {
            if (module.equals(PRIVESC_SCAN)) {
                if (!args.contains(SCAN_ONLY)) {
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

    private static final String MODULE_NAME = "--module-name";
    private static final String MODULE_ARGS = "--module-args";

    /**
     * Which of the two flags that matter a word names, as argparse's prefix matching would (pacu/main.py's parser leaves
     * allow_abbrev on): the flag itself, or a prefix of it that is past {@code --module-}, the part both share.
     */
    private static String flagNamed(String word) {
        for (String flag : List.of(MODULE_NAME, MODULE_ARGS)) {
            if (word.equals(flag) || (word.length() > "--module-".length() && flag.startsWith(word))) {
                return flag;
            }
        }
        return null;
    }
}
