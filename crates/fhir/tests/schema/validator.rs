//! HL7's FHIR R4 JSON schema (vendored beside this file), compiled once for a test: shared by
//! this crate's tests and the web tier's (`#[path]`), so both check bundles the same way.

use serde_json::Value;

/// The compiled schema.
pub struct FhirSchema {
    schemas: boon::Schemas,
    index: boon::SchemaIndex,
}

impl FhirSchema {
    pub fn load() -> Self {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../fhir/tests/schema/fhir.schema.json"
        );
        let text = std::fs::read_to_string(path).expect("the vendored FHIR schema");
        let schema: Value = serde_json::from_str(&text).unwrap();
        let mut compiler = boon::Compiler::new();
        let url = "file:///fhir.schema.json";
        compiler.add_resource(url, schema).unwrap();
        let mut schemas = boon::Schemas::new();
        let index = compiler
            .compile(url, &mut schemas)
            .expect("the FHIR R4 schema compiles");
        FhirSchema { schemas, index }
    }

    /// What is wrong with `doc`, or `None` when it is valid.
    pub fn errors(&self, doc: &Value) -> Option<String> {
        self.schemas
            .validate(doc, self.index)
            .err()
            .map(|e| format!("{e:#}"))
    }
}
