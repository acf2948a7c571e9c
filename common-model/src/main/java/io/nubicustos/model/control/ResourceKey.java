package io.nubicustos.model.control;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A resource as every tool can name it, so findings of different tools about one resource meet. The tools name a
 * security group {@code arn:aws:ec2:eu-west-1:123456789012:security-group/sg-0c59ae38} (Prowler),
 * {@code ec2.regions.eu-west-1.vpcs.vpc-f24c7994.security_groups.sg-0c59ae38.rules.ingress...} (ScoutSuite's item path)
 * or {@code sg-0c59ae38} (CloudSploit): all three are {@code sg-0c59ae38}.
 * <ul>
 *   <li>An EC2/VPC id anywhere in the name ({@code sg-}, {@code vpc-}, {@code acl-}, {@code subnet-}, {@code i-}, ...):
 *       the last one, since a path names the VPC before the group inside it. These ids are unique within an account
 *       whatever the region, which is why the region is not part of the key.</li>
 *   <li>Another ARN: {@code <service>:[<region>:]<resource>} without partition and account ({@code s3:my-bucket},
 *       {@code iam:user/dams}, {@code lambda:eu-west-1:function:foo}); an account's root
 *       ({@code arn:aws:iam::123456789012:root}) is {@code account}.</li>
 *   <li>A bare 12-digit account id is {@code account}; anything else, lower-cased.</li>
 * </ul>
 * The account is not part of the key: the key is compared within one scan, whose tools all ran with one profile.
 */
public final class ResourceKey {

    /** The key of the account as a whole. */
    public static final String ACCOUNT = "account";

    private static final Pattern AWS_ID = Pattern.compile(
            "(?:^|[./:])((?:sg|vpc|acl|subnet|i|vol|eni|igw|rtb|snap|ami|nat|eipalloc|pcx|vpce|tgw|dopt|lt|fs)-[0-9a-f]{8,17})(?=$|[./:])");
    private static final Pattern ARN = Pattern.compile("^arn:[^:]*:([^:]*):([^:]*):[^:]*:(.+)$");
    private static final Pattern ACCOUNT_ID = Pattern.compile("^\\d{12}$");

    private ResourceKey() {
    }

    /** The key of {@code resourceId}; null when there is none. */
    public static String of(String resourceId) {
        if (resourceId == null) {
            return null;
        }
        String id = resourceId.strip();
        if (id.isEmpty() || id.equalsIgnoreCase("n/a")) {
            return null;
        }
        String awsId = null;
        Matcher ids = AWS_ID.matcher(id);
        while (ids.find()) {
            awsId = ids.group(1);
        }
        if (awsId != null) {
            return awsId;
        }
        Matcher arn = ARN.matcher(id);
        if (arn.matches()) {
            String resource = arn.group(3);
            if (resource.equals("root")) {
                return ACCOUNT;
            }
            // why: a regional resource's name is unique in its region only (a function "foo" in two regions is two)
            String region = arn.group(2).isEmpty() ? "" : arn.group(2).toLowerCase(Locale.ROOT) + ":";
            return arn.group(1).toLowerCase(Locale.ROOT) + ":" + region + resource;
        }
        if (ACCOUNT_ID.matcher(id).matches()) {
            return ACCOUNT;
        }
        return id.toLowerCase(Locale.ROOT);
    }
}
