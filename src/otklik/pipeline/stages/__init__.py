"""One module per stage; each stage is a callable that reads and fills a PipelineContext."""
