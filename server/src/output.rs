//! Renders query results for the console: table, JSON, CSV and line modes.

use std::io::{self, Write};

use hostgres_catalog::{QueryResult, Value};

/// How `hostgres query` and `hostgres shell` print results.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum OutputFormat {
    /// Aligned columns in a box, as osqueryi prints them.
    Table,
    /// A JSON array of objects; numbers stay numbers.
    Json,
    /// RFC 4180 CSV with a header line.
    Csv,
    /// One `column = value` line per cell, rows separated by a blank line.
    Line,
}

impl OutputFormat {
    pub fn parse(name: &str) -> Option<OutputFormat> {
        match name {
            "table" | "pretty" => Some(OutputFormat::Table),
            "json" => Some(OutputFormat::Json),
            "csv" => Some(OutputFormat::Csv),
            "line" => Some(OutputFormat::Line),
            _ => None,
        }
    }
}

pub fn render(result: &QueryResult, format: OutputFormat, out: &mut impl Write) -> io::Result<()> {
    match format {
        OutputFormat::Table => table(result, out),
        OutputFormat::Json => json(result, out),
        OutputFormat::Csv => csv(result, out),
        OutputFormat::Line => line(result, out),
    }
}

fn table(result: &QueryResult, out: &mut impl Write) -> io::Result<()> {
    if result.columns.is_empty() {
        return Ok(());
    }
    let cells: Vec<Vec<String>> = result
        .rows
        .iter()
        .map(|r| r.iter().map(|v| v.to_string().replace('\n', " ")).collect())
        .collect();
    let widths: Vec<usize> = result
        .columns
        .iter()
        .enumerate()
        .map(|(i, c)| {
            cells
                .iter()
                .map(|r| r[i].chars().count())
                .chain([c.name.chars().count()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let rule: String = widths
        .iter()
        .map(|w| format!("+{}", "-".repeat(w + 2)))
        .collect::<String>()
        + "+";
    let line = |out: &mut dyn Write, values: &mut dyn Iterator<Item = &str>| -> io::Result<()> {
        for (v, w) in values.zip(&widths) {
            write!(out, "| {v}{} ", " ".repeat(w - v.chars().count()))?;
        }
        writeln!(out, "|")
    };
    writeln!(out, "{rule}")?;
    line(out, &mut result.columns.iter().map(|c| c.name.as_str()))?;
    writeln!(out, "{rule}")?;
    for r in &cells {
        line(out, &mut r.iter().map(String::as_str))?;
    }
    if !cells.is_empty() {
        writeln!(out, "{rule}")?;
    }
    Ok(())
}

fn json_value(v: &Value) -> serde_json::Value {
    match v {
        Value::Null => serde_json::Value::Null,
        Value::Int(i) => (*i).into(),
        Value::Real(f) => {
            serde_json::Number::from_f64(*f).map_or(serde_json::Value::Null, Into::into)
        }
        Value::Text(s) => s.clone().into(),
        Value::Blob(_) => v.to_string().into(),
    }
}

fn json(result: &QueryResult, out: &mut impl Write) -> io::Result<()> {
    let rows: Vec<serde_json::Value> = result
        .rows
        .iter()
        .map(|r| {
            let obj: serde_json::Map<String, serde_json::Value> = result
                .columns
                .iter()
                .zip(r)
                .map(|(c, v)| (c.name.clone(), json_value(v)))
                .collect();
            serde_json::Value::Object(obj)
        })
        .collect();
    serde_json::to_writer_pretty(&mut *out, &rows)?;
    writeln!(out)
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}

fn csv(result: &QueryResult, out: &mut impl Write) -> io::Result<()> {
    let header: Vec<String> = result.columns.iter().map(|c| csv_field(&c.name)).collect();
    writeln!(out, "{}", header.join(","))?;
    for r in &result.rows {
        let fields: Vec<String> = r.iter().map(|v| csv_field(&v.to_string())).collect();
        writeln!(out, "{}", fields.join(","))?;
    }
    Ok(())
}

fn line(result: &QueryResult, out: &mut impl Write) -> io::Result<()> {
    let width = result
        .columns
        .iter()
        .map(|c| c.name.len())
        .max()
        .unwrap_or(0);
    for (n, r) in result.rows.iter().enumerate() {
        if n > 0 {
            writeln!(out)?;
        }
        for (c, v) in result.columns.iter().zip(r) {
            writeln!(out, "{:>width$} = {v}", c.name)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use hostgres_catalog::ColumnMeta;

    fn sample() -> QueryResult {
        QueryResult {
            columns: vec![
                ColumnMeta {
                    name: "pid".into(),
                    decl_type: None,
                    origin: None,
                },
                ColumnMeta {
                    name: "name".into(),
                    decl_type: None,
                    origin: None,
                },
            ],
            rows: vec![
                vec![Value::Int(1), Value::Text("init".into())],
                vec![Value::Int(42), Value::Text("a,\"b\"".into())],
            ],
        }
    }

    fn text(f: OutputFormat) -> String {
        let mut buf = Vec::new();
        render(&sample(), f, &mut buf).expect("render");
        String::from_utf8(buf).expect("utf8")
    }

    #[test]
    fn every_format() {
        assert_eq!(
            text(OutputFormat::Table),
            "+-----+-------+\n| pid | name  |\n+-----+-------+\n| 1   | init  |\n| 42  | a,\"b\" |\n+-----+-------+\n"
        );
        assert_eq!(
            text(OutputFormat::Csv),
            "pid,name\n1,init\n42,\"a,\"\"b\"\"\"\n"
        );
        assert_eq!(
            text(OutputFormat::Line),
            " pid = 1\nname = init\n\n pid = 42\nname = a,\"b\"\n"
        );
        let json: serde_json::Value =
            serde_json::from_str(&text(OutputFormat::Json)).expect("json");
        assert_eq!(json[1]["pid"], 42);
        assert_eq!(json[0]["name"], "init");
    }
}
