"""The readers of each file format, behind `templates.files.read_workbook`, which tells the
format by the content and hands the file to one of them: `xlsx` (which guards calamine with
`xlsx_parts`, `xlsx_scan` and `xlsx_far_cells`), `ods`, `xls`, `html_export` and `csv_file`
(with `csv_lines` and `csv_columns`). They share `raw_sheets` (what a reader returns),
`errors` (the `file.*` errors), `zip_members`, `xml_events` and `calamine`.
"""
