"""Pure-Python core: vocabulary, rules and value objects, with no Qt and no SQL."""
