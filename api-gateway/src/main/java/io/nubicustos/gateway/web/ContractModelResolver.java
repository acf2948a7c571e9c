package io.nubicustos.gateway.web;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import io.swagger.v3.core.converter.AnnotatedType;
import io.swagger.v3.core.converter.ModelConverter;
import io.swagger.v3.core.converter.ModelConverterContext;
import io.swagger.v3.core.jackson.ModelResolver;
import io.swagger.v3.core.util.Json31;
import io.swagger.v3.oas.models.media.Schema;

import java.lang.annotation.Annotation;
import java.lang.reflect.AnnotatedParameterizedType;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * How the contract sees our records, so that the document says what the API answers:
 * <ul>
 *   <li>property names in snake_case, as the API's JSON mapper writes them (the generator has a JSON
 *   mapper of its own, which knows nothing of {@code spring.jackson.property-naming-strategy});</li>
 *   <li>a component whose type is annotated {@code @Nullable} (JSpecify's, a type annotation the generator
 *   does not read) may be {@code null}, or absent from a request;</li>
 *   <li>every other component is required: the API always writes it, and never as {@code null}, except a
 *   component left out when empty ({@code @JsonInclude(NON_NULL)}), which is optional but never null.</li>
 * </ul>
 */
final class ContractModelResolver extends ModelResolver {

    private static final PropertyNamingStrategies.NamingBase SNAKE = (PropertyNamingStrategies.NamingBase) PropertyNamingStrategies.SNAKE_CASE;

    /** Models already annotated (a model is resolved again for every reference to it). */
    private final Set<Schema<?>> processed = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());

    ContractModelResolver() {
        super(Json31.mapper().copy().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE));
        openapi31(true);
    }

    @Override
    public Schema resolve(AnnotatedType type, ModelConverterContext context, Iterator<ModelConverter> chain) {
        Schema<?> resolved = super.resolve(type, context, chain);
        Class<?> raw = _mapper.constructType(type.getType()).getRawClass();
        // why: a type asked for as a reference answers {$ref}; its model is among the context's definitions
        Schema<?> schema = resolved == null || resolved.get$ref() == null ? resolved
                : context.getDefinedModels().get(resolved.get$ref().substring(resolved.get$ref().lastIndexOf('/') + 1));
        if (schema == null || !raw.isRecord() || schema.getProperties() == null || !processed.add(schema)) {
            return resolved;
        }
        Set<String> components = new HashSet<>();
        for (RecordComponent component : raw.getRecordComponents()) {
            String name = propertyName(component);
            components.add(name);
            Schema<?> property = schema.getProperties().get(name);
            if (property == null) {
                continue;
            }
            if (property.getAdditionalProperties() instanceof Schema<?> values && mapValuesNullable(component)) {
                addNull(values);
            }
            if (isNullable(component)) {
                allowNull(schema, name, property);
            } else if (!omittedWhenNull(component) && (schema.getRequired() == null || !schema.getRequired().contains(name))) {
                schema.addRequiredItem(name);
            }
        }
        // why: a value derived from the components (ResourceLimits.memoryBytes) is written too, and is null when its source is
        new ArrayList<>(schema.getProperties().keySet()).stream().filter(name -> !components.contains(name))
                .forEach(name -> allowNull(schema, name, schema.getProperties().get(name)));
        return resolved;
    }


    private static void allowNull(Schema<?> parent, String name, Schema<?> property) {
        if (property.get$ref() != null) {
            // why: a reference cannot carry a second type; null is the other of two choices
            Schema<?> nothing = new Schema<>();
            nothing.addType("null");
            Schema<?> either = new Schema<>().oneOf(List.of(new Schema<>().$ref(property.get$ref()), nothing));
            either.setDescription(property.getDescription());
            parent.getProperties().put(name, either);
        } else {
            addNull(property);
        }
    }

    private static void addNull(Schema<?> property) {
        Set<String> types = new LinkedHashSet<>(property.getTypes() == null ? Set.of() : property.getTypes());
        if (types.isEmpty() && property.getType() != null) {
            types.add(property.getType());
        }
        if (!types.isEmpty()) {
            types.add("null");
            property.setTypes(types);
        }
    }

    private static String propertyName(RecordComponent component) {
        JsonProperty explicit = component.getAccessor().getAnnotation(JsonProperty.class);
        if (explicit == null) {
            explicit = component.getAnnotation(JsonProperty.class);
        }
        return explicit != null && !explicit.value().isEmpty() ? explicit.value() : SNAKE.translate(component.getName());
    }

    /** {@code Map<String, @Nullable String>}: the map's values may be null. */
    private static boolean mapValuesNullable(RecordComponent component) {
        return component.getAnnotatedType() instanceof AnnotatedParameterizedType map
                && map.getAnnotatedActualTypeArguments().length == 2 && isNullable(map.getAnnotatedActualTypeArguments()[1].getAnnotations());
    }

    private static boolean isNullable(RecordComponent component) {
        return isNullable(component.getAnnotatedType().getAnnotations());
    }

    private static boolean isNullable(Annotation[] annotations) {
        for (Annotation annotation : annotations) {
            if (annotation.annotationType().getSimpleName().equals("Nullable")) {
                return true;
            }
        }
        return false;
    }

    private static boolean omittedWhenNull(RecordComponent component) {
        JsonInclude include = component.getAnnotation(JsonInclude.class);
        if (include == null) {
            include = component.getAccessor().getAnnotation(JsonInclude.class);
        }
        return include != null && include.value() == JsonInclude.Include.NON_NULL
                || component.getAnnotation(JsonIgnore.class) != null;
    }
}
