package io.nubicustos.gateway.finding;

import java.io.OutputStream;
import java.sql.ResultSet;
import java.sql.SQLException;

/** Writes findings rows to a stream as they are read; one instance per export. */
interface FindingStreamWriter {

    String extension();

    String contentType();

    void start(OutputStream out);

    void row(ResultSet rs) throws SQLException;

    void finish();
}
