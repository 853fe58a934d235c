"""The consultation: assessment, catalogue, matching, planning, funding, pipeline."""
