"""The demonstration programme, built through the same services as the pages."""

from portal.demo.programme import load

__all__ = ["load"]
