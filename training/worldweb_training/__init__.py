"""WorldWeb world-model training: shards in, `worldweb-model/1` packages out."""
