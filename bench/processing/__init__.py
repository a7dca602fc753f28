"""Processing speed: parse + clean + signature + store per page, against trafilatura."""
