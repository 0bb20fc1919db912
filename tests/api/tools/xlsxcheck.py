#!/usr/bin/python3
"""xlsxcheck.py -- what a workbook says, read from its XML with the standard
library (zipfile, ElementTree), for the ledger test (ledger-office.test.mjs).
Not a general XLSX reader: the first worksheets' cells, their fills and fonts,
panes, autofilters, print setup and defined names, which is what the test
asserts after LibreOffice has re-saved plenum's workbook.

  xlsxcheck.py facts FILE.xlsx
      one JSON object: {"sheets": [{"name", "cells": {"A1": {"v", "fill",
      "bold", "fmt"}}, "pane", "autofilter", "page", "fit_to_page",
      "hidden_cols", "widths" (by column number), "heights" (by row number,
      those set), "header", "footer",
      "print_titles"}]}
  xlsxcheck.py formulas IN.xlsx OUT.xlsx ROW CELL=FORMULA...
      a copy of IN whose first sheet has a row ROW of formula cells (no
      cached values, so the reader computes them)
"""
import json
import re
import sys
import zipfile
import xml.etree.ElementTree as ET

NS = {'m': 'http://schemas.openxmlformats.org/spreadsheetml/2006/main',
      'r': 'http://schemas.openxmlformats.org/officeDocument/2006/relationships'}
REL = '{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id'


def text_of(el):
    return ''.join(t.text or '' for t in el.iter('{%s}t' % NS['m']))


def col_number(letters):
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def rgb(color):
    if color is None or color.get('rgb') is None:
        return None
    return color.get('rgb')[-6:].upper()


def facts(path):
    z = zipfile.ZipFile(path)
    wb = ET.fromstring(z.read('xl/workbook.xml'))
    rels = ET.fromstring(z.read('xl/_rels/workbook.xml.rels'))
    target = {r.get('Id'): r.get('Target') for r in rels}
    strings = []
    if 'xl/sharedStrings.xml' in z.namelist():
        strings = [text_of(si) for si in ET.fromstring(z.read('xl/sharedStrings.xml')).findall('m:si', NS)]
    st = ET.fromstring(z.read('xl/styles.xml'))
    fills = []
    for f in st.find('m:fills', NS).findall('m:fill', NS):
        p = f.find('m:patternFill', NS)
        solid = p is not None and p.get('patternType') == 'solid'
        fills.append(rgb(p.find('m:fgColor', NS)) if solid else None)
    fonts = [f.find('m:b', NS) is not None and f.find('m:b', NS).get('val', '1') not in ('0', 'false')
             for f in st.find('m:fonts', NS).findall('m:font', NS)]
    numfmts = {int(n.get('numFmtId')): n.get('formatCode') for n in st.iter('{%s}numFmt' % NS['m'])}
    xfs = []
    for xf in st.find('m:cellXfs', NS).findall('m:xf', NS):
        nf = int(xf.get('numFmtId', '0'))
        xfs.append({'fill': fills[int(xf.get('fillId', '0'))], 'bold': fonts[int(xf.get('fontId', '0'))],
                    'fmt': numfmts.get(nf, {0: 'General', 9: '0%', 10: '0.00%', 14: 'date'}.get(nf, str(nf)))})
    titles = {}
    dn = wb.find('m:definedNames', NS)
    for d in (dn if dn is not None else []):
        if d.get('name') == '_xlnm.Print_Titles':
            titles[int(d.get('localSheetId'))] = d.text
    out = []
    for i, sh in enumerate(wb.find('m:sheets', NS)):
        part = 'xl/' + target[sh.get(REL)].lstrip('/').replace('xl/', '', 1)
        ws = ET.fromstring(z.read(part))
        cells = {}
        for c in ws.iter('{%s}c' % NS['m']):
            t, v = c.get('t'), c.find('m:v', NS)
            if t == 's':
                val = strings[int(v.text)]
            elif t == 'inlineStr':
                val = text_of(c.find('m:is', NS))
            else:
                val = v.text if v is not None else None
            style = xfs[int(c.get('s', '0'))]
            cells[c.get('r')] = {'v': val, 'type': t or 'n', **style}
        heights = {int(r.get('r')): float(r.get('ht')) for r in ws.iter('{%s}row' % NS['m']) if r.get('ht')}
        pane = ws.find('.//m:pane', NS)
        af = ws.find('m:autoFilter', NS)
        ps = ws.find('m:pageSetup', NS)
        pr = ws.find('m:sheetPr/m:pageSetUpPr', NS)
        hf = ws.find('m:headerFooter', NS)
        hidden, widths = [], {}
        for col in ws.iter('{%s}col' % NS['m']):
            span = range(int(col.get('min')), int(col.get('max')) + 1)
            if col.get('hidden') in ('1', 'true'):
                hidden += span
            for n in span:
                widths[n] = float(col.get('width', '0'))
        out.append({
            'name': sh.get('name'), 'cells': cells,
            'pane': dict(pane.attrib) if pane is not None else None,
            'autofilter': af.get('ref') if af is not None else None,
            'page': dict(ps.attrib) if ps is not None else None,
            'fit_to_page': pr is not None and pr.get('fitToPage') in ('1', 'true'),
            'hidden_cols': hidden, 'widths': widths, 'heights': heights,
            'header': text_of_hf(hf, 'oddHeader'), 'footer': text_of_hf(hf, 'oddFooter'),
            'print_titles': titles.get(i),
        })
    return {'sheets': out}


def text_of_hf(hf, name):
    if hf is None or hf.find('m:' + name, NS) is None:
        return None
    return hf.find('m:' + name, NS).text


def formulas(src, dst, row, specs):
    zin = zipfile.ZipFile(src)
    wb = ET.fromstring(zin.read('xl/workbook.xml'))
    rels = ET.fromstring(zin.read('xl/_rels/workbook.xml.rels'))
    first = {r.get('Id'): r.get('Target') for r in rels}[wb.find('m:sheets', NS)[0].get(REL)]
    first = 'xl/' + first.lstrip('/').replace('xl/', '', 1)
    cells = ''.join('<c r="%s"><f>%s</f></c>' % (ref, f.replace('&', '&amp;').replace('<', '&lt;'))
                    for ref, f in sorted((s.split('=', 1) for s in specs), key=lambda p: col_number(
                        re.match('[A-Z]+', p[0]).group(0))))
    with zipfile.ZipFile(dst, 'w', zipfile.ZIP_DEFLATED) as zout:
        for it in zin.infolist():
            data = zin.read(it.filename)
            if it.filename == first:
                data = data.replace(b'</sheetData>', ('<row r="%s">%s</row></sheetData>' % (row, cells)).encode())
            zout.writestr(it, data)


if sys.argv[1] == 'facts':
    json.dump(facts(sys.argv[2]), sys.stdout, ensure_ascii=False)
elif sys.argv[1] == 'formulas':
    formulas(sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5:])
else:
    sys.exit('usage: xlsxcheck.py facts FILE | formulas IN OUT ROW CELL=FORMULA...')
