package io.nubicustos.gateway.security;

import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimValidator;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtDecoderInitializationException;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.jwt.SupplierJwtDecoder;

import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * OIDC bearer tokens, checked with Spring Security's JWT support: the issuer's keys found through its discovery
 * document (fetched at the first token, so the API starts while the issuer is down), the signature, {@code iss},
 * {@code exp}/{@code nbf} and, when configured, {@code aud}. The caller is {@code oidc:<sub>} with the roles its
 * roles claim names (a list, or a string separated by spaces or commas); names that are no role are ignored, and a
 * token with none of them reaches nothing but health.
 */
final class OidcTokens {

    /** The issuer could not be asked for its keys: the token cannot be checked now (503, not 401). */
    static final class IssuerUnavailable extends RuntimeException {
        IssuerUnavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final String issuer;
    private final String rolesClaim;
    private final JwtDecoder decoder;

    OidcTokens(String issuer, String rolesClaim, String audience) {
        this.issuer = issuer;
        this.rolesClaim = rolesClaim;
        this.decoder = new SupplierJwtDecoder(() -> {
            NimbusJwtDecoder nimbus = NimbusJwtDecoder.withIssuerLocation(issuer).build();
            List<OAuth2TokenValidator<Jwt>> validators = new ArrayList<>();
            validators.add(JwtValidators.createDefaultWithIssuer(issuer));
            if (audience != null && !audience.isBlank()) {
                validators.add(new JwtClaimValidator<Collection<String>>("aud", aud -> aud != null && aud.contains(audience)));
            }
            nimbus.setJwtValidator(new DelegatingOAuth2TokenValidator<>(validators));
            return nimbus;
        });
    }

    /** The caller a token stands for; empty when it is not a valid token of the issuer. */
    java.util.Optional<Caller> authenticate(String token) {
        Jwt jwt;
        try {
            jwt = decoder.decode(token);
        } catch (JwtDecoderInitializationException e) {
            throw new IssuerUnavailable("the OIDC issuer " + issuer + " cannot be asked for its keys", e);
        } catch (JwtException invalid) {
            return java.util.Optional.empty();
        }
        String subject = jwt.getSubject();
        if (subject == null || subject.isBlank()) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(Caller.of("oidc:" + subject, roles(jwt.getClaims().get(rolesClaim))));
    }

    static Set<Role> roles(Object claim) {
        List<String> names = new ArrayList<>();
        if (claim instanceof Collection<?> list) {
            list.forEach(item -> names.add(String.valueOf(item)));
        } else if (claim instanceof String text) {
            names.addAll(List.of(text.split("[\\s,]+")));
        }
        Set<Role> roles = EnumSet.noneOf(Role.class);
        for (String name : names) {
            Set<Role> one = Role.parseAll(name.trim().toLowerCase(java.util.Locale.ROOT));
            if (one != null) {
                roles.addAll(one);
            }
        }
        return roles;
    }
}
