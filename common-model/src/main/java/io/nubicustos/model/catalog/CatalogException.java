package io.nubicustos.model.catalog;

/** The catalog file cannot be read or says something inconsistent. Services refuse to start with it. */
public class CatalogException extends RuntimeException {
    public CatalogException(String message) {
        super(message);
    }

    public CatalogException(String message, Throwable cause) {
        super(message, cause);
    }
}
