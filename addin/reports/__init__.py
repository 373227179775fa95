"""Financial reports over the teams' tables: balancete, DRE, balanço, fluxo de caixa, aging,
folha and estoque, each a `model.Report` that the renderers lay out as a sheet, an .xlsx, an
HTML page or JSON."""
